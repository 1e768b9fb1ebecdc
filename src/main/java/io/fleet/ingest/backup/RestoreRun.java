package io.fleet.ingest.backup;

import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Restores one backup into the database DATABASE_URL names, refusing whatever would make a bad
 * restore: a file whose checksum differs from its manifest, a server or extension version other
 * than the backup's, a target that already holds data (unless forced). On TimescaleDB it wraps
 * pg_restore in timescaledb_pre_restore() / timescaledb_post_restore() and restores serially (no
 * -j, which TimescaleDB's catalog does not survive). Ends by comparing every row count with the
 * manifest and printing the comparison.
 */
public final class RestoreRun {
  private final BackupConfig config;
  private final DatabaseTarget target;
  private final Path file;
  private final Optional<Path> identity;
  private final boolean force;
  private final PrintStream out;

  /**
   * What the restore found: {@code mismatches} lists every count that differs from the manifest.
   */
  public record Result(Manifest manifest, DatabaseFacts restored, List<String> mismatches) {
    public boolean countsMatch() {
      return mismatches.isEmpty();
    }
  }

  public RestoreRun(
      BackupConfig config,
      DatabaseTarget target,
      Path file,
      Optional<Path> identity,
      boolean force,
      PrintStream out) {
    this.config = config;
    this.target = target;
    this.file = file;
    this.identity = identity;
    this.force = force;
    this.out = out;
  }

  // The lock is held for the whole restore by being open; the body has no use for it.
  @SuppressWarnings("try")
  public Result run() throws BackupException {
    try (BackupLock lock = BackupLock.acquire(config.dir(), "restore")) {
      Path dir = Files.isDirectory(file) ? file : file.toAbsolutePath().getParent();
      Manifest manifest = Manifest.read(dir);
      Manifest.BackupFile dumpEntry = manifest.file("database");
      Path stored = dir.resolve(dumpEntry.name());
      checksum(stored, dumpEntry.sha256(), "stored");
      out.println("checksum ok: " + stored.getFileName() + " sha256 " + dumpEntry.sha256());
      // Decrypted data stays beside the backups (same disk, mode 0700), never in a tmpfs /tmp.
      Path work = new BackupStore(config.dir()).restoreWork();
      try {
        Path dump = decrypt(stored, dumpEntry, work);
        return restore(manifest, dump);
      } finally {
        Durable.deleteTree(work);
      }
    } catch (IOException e) {
      throw new BackupException("restore failed: " + e.getMessage(), e);
    }
  }

  private Path decrypt(Path stored, Manifest.BackupFile entry, Path work)
      throws BackupException, IOException {
    if (!entry.encrypted()) {
      return stored;
    }
    if (identity.isEmpty()) {
      throw BackupException.refused(
          stored.getFileName()
              + " is encrypted with age: give the private key file "
              + "with --identity");
    }
    Path plain = work.resolve(BackupRun.DUMP);
    new Tools(config.pgBin())
        .run(
            "age --decrypt",
            List.of(
                "age",
                "--decrypt",
                "--identity",
                identity.get().toString(),
                "--output",
                plain.toString(),
                stored.toString()),
            Map.of(),
            null);
    checksum(plain, entry.plainSha256(), "decrypted");
    return plain;
  }

  private Result restore(Manifest manifest, Path dump) throws BackupException {
    Tools tools = new Tools(config.pgBin());
    boolean timescale = manifest.extensions().containsKey("timescaledb");
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties())) {
      DatabaseFacts before = DatabaseFacts.read(c);
      RestoreTargetChecks.versions(manifest, c, before);
      if (!force) {
        RestoreTargetChecks.empty(c, target.database());
      }
      if (timescale) {
        // The backup's own version: pg_restore's CREATE EXTENSION IF NOT EXISTS then finds it in
        // place.
        exec(
            c,
            "CREATE EXTENSION IF NOT EXISTS timescaledb VERSION '"
                + manifest.extensions().get("timescaledb").replace("'", "''")
                + "'");
        exec(c, "SELECT timescaledb_pre_restore()");
        out.println("timescaledb_pre_restore() done");
      }
    } catch (SQLException e) {
      throw new BackupException("cannot prepare the target " + target + ": " + e.getMessage(), e);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(tools.pg("pg_restore"), "--no-password", "--dbname=" + target.database()));
    if (force) {
      cmd.addAll(List.of("--clean", "--if-exists"));
    }
    cmd.add(dump.toString());
    BackupException restoreError = null;
    try {
      tools.run("pg_restore", cmd, Tools.libpqEnv(target), null);
    } catch (BackupException e) {
      restoreError = e;
    }
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties())) {
      if (timescale) {
        exec(c, "SELECT timescaledb_post_restore()");
        out.println("timescaledb_post_restore() done");
      }
      if (restoreError != null) {
        throw restoreError;
      }
      DatabaseFacts restored = DatabaseFacts.read(c);
      return new Result(manifest, restored, compare(manifest, restored));
    } catch (SQLException e) {
      throw new BackupException("cannot read the restored database: " + e.getMessage(), e);
    }
  }

  private List<String> compare(Manifest manifest, DatabaseFacts restored) {
    List<String> mismatches = new ArrayList<>();
    out.printf("%-48s %12s %12s%n", "relation", "manifest", "restored");
    compare("table", manifest.tables(), restored.tables(), mismatches);
    compare("view", manifest.views(), restored.views(), mismatches);
    out.println(
        mismatches.isEmpty()
            ? "row counts: all "
                + (manifest.tables().size() + manifest.views().size())
                + " match the manifest"
            : "row counts: " + mismatches.size() + " differ from the manifest");
    return mismatches;
  }

  private void compare(
      String kind, Map<String, Long> expected, Map<String, Long> actual, List<String> mismatches) {
    for (String name : new TreeSet<>(expected.keySet())) {
      Long want = expected.get(name);
      Long got = actual.get(name);
      boolean ok = Objects.equals(want, got);
      out.printf(
          "%-48s %12d %12s %s%n",
          name, want, got == null ? "missing" : got.toString(), ok ? "ok" : "DIFFERS");
      if (!ok) {
        mismatches.add(kind + " " + name + ": manifest " + want + ", restored " + got);
      }
    }
  }

  private static void checksum(Path f, String expected, String what)
      throws BackupException, IOException {
    String actual = Durable.sha256(f);
    if (!actual.equals(expected)) {
      throw BackupException.refused(
          "checksum mismatch: "
              + what
              + " file "
              + f.getFileName()
              + " has sha256 "
              + actual
              + " but the manifest says "
              + expected
              + "; the backup is damaged, refusing to restore it");
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
