package io.fleet.ingest.backup;

import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One backup, start to finish, in a private work directory: row counts and versions read inside an
 * exported snapshot, pg_dump of that same snapshot, the roles without passwords, verification (the
 * archive's table of contents and a full read), checksums, optional age encryption, then fsync and
 * one rename into place. Any failure removes the work directory: a half-made backup is never left
 * where a restore could take it.
 */
public final class BackupRun {
  static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final String DUMP = "database.dump";
  static final String ROLES = "roles.sql";

  /** Room asked for beyond the last backup's size: databases grow. */
  static final double SPACE_MARGIN = 1.2;

  private final BackupConfig config;
  private final DatabaseTarget db;
  private final Clock clock;
  private final Tools tools;
  private final BackupStore store;

  public BackupRun(BackupConfig config, DatabaseTarget db, Clock clock, Tools tools) {
    this.config = config;
    this.db = db;
    this.clock = clock;
    this.tools = tools;
    this.store = new BackupStore(config.dir());
  }

  public Manifest run() throws BackupException {
    Instant started = clock.instant();
    Path partial;
    String id;
    try {
      store.removeLeftovers();
      checkFreeSpace();
      id = uniqueId(started);
      partial = store.partial(id);
    } catch (IOException e) {
      throw new BackupException("cannot prepare " + config.dir() + ": " + e.getMessage(), e);
    }
    try {
      Manifest manifest = build(id, started, partial);
      store.commit(partial, manifest);
      return manifest;
    } catch (IOException e) {
      discard(partial);
      throw new BackupException("backup " + id + " failed writing its files: " + e.getMessage(), e);
    } catch (BackupException | RuntimeException e) {
      discard(partial);
      throw e;
    }
  }

  private Manifest build(String id, Instant started, Path partial)
      throws BackupException, IOException {
    Map<String, String> env = Tools.libpqEnv(db);
    Path dump = partial.resolve(DUMP);
    Path roles = partial.resolve(ROLES);
    String pgDumpVersion = version(partial);
    DatabaseFacts facts;
    String snapshotId;
    try (SourceSnapshot snapshot = SourceSnapshot.open(db)) {
      facts = snapshot.facts();
      snapshotId = snapshot.id();
      tools.run(
          "pg_dump",
          List.of(
              tools.pg("pg_dump"),
              "--format=custom",
              "--snapshot=" + snapshotId,
              "--no-password",
              "--file=" + dump),
          env,
          null);
    }
    tools.run(
        "pg_dumpall",
        List.of(
            tools.pg("pg_dumpall"),
            "--roles-only",
            "--no-role-passwords",
            "--no-password",
            "--database=" + db.database(),
            "--file=" + roles),
        env,
        null);
    verify(dump, roles, partial);

    List<Manifest.BackupFile> files = new ArrayList<>();
    files.add(store(partial, "database", dump));
    files.add(store(partial, "roles", roles));
    Instant finished = clock.instant();
    return new Manifest(
        1,
        id,
        started.toString(),
        finished.toString(),
        db.database(),
        facts.serverVersion(),
        facts.serverVersionNum(),
        facts.extensions(),
        pgDumpVersion,
        snapshotId,
        facts.tables(),
        facts.views(),
        files,
        true);
  }

  /**
   * The archive must list its contents and read through to the end; the roles script must hold
   * roles.
   */
  private void verify(Path dump, Path roles, Path partial) throws BackupException, IOException {
    Path toc = partial.resolve("toc.txt");
    tools.run(
        "pg_restore --list",
        List.of(tools.pg("pg_restore"), "--list", dump.toString()),
        Map.of(),
        toc);
    long entries =
        Files.readAllLines(toc, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank() && !l.startsWith(";"))
            .count();
    Files.delete(toc);
    if (entries == 0) {
      throw new BackupException("verification failed: the archive lists no entries");
    }
    // Restoring to /dev/null decompresses and reads every data block: a truncated or corrupt
    // archive fails here, not on the day it is needed.
    tools.run(
        "pg_restore (full read)",
        List.of(tools.pg("pg_restore"), "--file=/dev/null", dump.toString()),
        Map.of(),
        null);
    if (!Files.readString(roles, StandardCharsets.UTF_8).contains("CREATE ROLE")) {
      throw new BackupException("verification failed: the roles script holds no CREATE ROLE");
    }
  }

  /**
   * Checksums, encrypts when recipients are configured, and leaves the stored file 0600 and synced.
   */
  private Manifest.BackupFile store(Path partial, String role, Path plain)
      throws BackupException, IOException {
    Durable.seal(plain);
    String plainSha = Durable.sha256(plain);
    Path stored = plain;
    boolean encrypted = !config.ageRecipients().isEmpty();
    if (encrypted) {
      stored = partial.resolve(plain.getFileName() + ".age");
      List<String> cmd = new ArrayList<>(List.of("age", "--encrypt"));
      for (String r : config.ageRecipients()) {
        cmd.addAll(List.of("--recipient", r));
      }
      cmd.addAll(List.of("--output", stored.toString(), plain.toString()));
      tools.run("age", cmd, Map.of(), null);
      Files.delete(plain);
      Durable.seal(stored);
    }
    return new Manifest.BackupFile(
        role,
        stored.getFileName().toString(),
        Files.size(stored),
        Durable.sha256(stored),
        plainSha,
        encrypted);
  }

  private String version(Path partial) throws BackupException, IOException {
    Path out = partial.resolve("version.txt");
    tools.run("pg_dump --version", List.of(tools.pg("pg_dump"), "--version"), Map.of(), out);
    String v = Files.readString(out, StandardCharsets.UTF_8).strip();
    Files.delete(out);
    return v;
  }

  /** Refuses to start when the disk cannot hold another backup the size of the last one. */
  private void checkFreeSpace() throws IOException, BackupException {
    var last = store.catalog().last();
    if (last.isEmpty()) {
      return;
    }
    long lastBytes = last.get().path("bytes").asLong();
    // Encryption holds the plain and the encrypted copy at once for a moment.
    long needed = (long) (lastBytes * SPACE_MARGIN * (config.ageRecipients().isEmpty() ? 1 : 2));
    long free = Files.getFileStore(config.dir()).getUsableSpace();
    if (free < needed) {
      throw new BackupException(
          "not enough free space in "
              + config.dir()
              + ": "
              + free
              + " bytes free, about "
              + needed
              + " needed (last backup "
              + lastBytes
              + " bytes)");
    }
  }

  private String uniqueId(Instant at) {
    String base = ID.format(at);
    String id = base;
    for (int i = 2; Files.exists(config.dir().resolve(id)); i++) {
      id = base + "-" + i;
    }
    return id;
  }

  private static void discard(Path partial) {
    try {
      Durable.deleteTree(partial);
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(BackupRun.class)
          .error("cannot remove unfinished backup {}: {}", partial, e.getMessage());
    }
  }
}
