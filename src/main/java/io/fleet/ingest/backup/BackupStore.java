package io.fleet.ingest.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BACKUP_DIR's layout: one directory per backup named by its id ({@code 20261128T033000Z}) holding
 * the dump, the roles script and manifest.json; work in progress in {@code .partial-<id>}, which
 * becomes a backup only by one rename after everything in it was verified and synced.
 */
public final class BackupStore {
  private static final Logger log = LoggerFactory.getLogger(BackupStore.class);
  static final String PARTIAL = ".partial-";
  static final String RESTORE = ".restore-";
  private final Path dir;
  private final Catalog catalog;

  public BackupStore(Path dir) {
    this.dir = dir;
    this.catalog = new Catalog(dir);
  }

  public Path dir() {
    return dir;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** A new private work directory for backup {@code id}. */
  Path partial(String id) throws IOException {
    Files.createDirectories(dir);
    return Durable.privateDir(dir.resolve(PARTIAL + id));
  }

  /** A private directory for a restore's decrypted copy; removed by the restore when done. */
  Path restoreWork() throws IOException {
    removeLeftovers();
    return Durable.privateDir(dir.resolve(RESTORE + java.util.UUID.randomUUID()));
  }

  /**
   * Work directories a killed run left behind: an unfinished backup, or a restore's decrypted copy,
   * which must not outlive its run. Called under the lock, so none belongs to a live run.
   */
  void removeLeftovers() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            dir,
            p ->
                p.getFileName().toString().startsWith(PARTIAL)
                    || p.getFileName().toString().startsWith(RESTORE))) {
      for (Path p : entries) {
        log.warn("removing {} left by an interrupted run", p.getFileName());
        Durable.deleteTree(p);
      }
    }
  }

  /**
   * Writes the manifest, then renames the work directory into place and records it in the catalog.
   */
  public Path commit(Path partial, Manifest manifest) throws IOException {
    Path file = partial.resolve(Manifest.FILE);
    Files.write(file, manifest.toBytes());
    Durable.seal(file);
    Durable.syncDir(partial);
    Path target = dir.resolve(manifest.id());
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    Durable.syncDir(dir);
    catalog.backedUp(manifest, target);
    return target;
  }

  /** Complete backups on disk (those with a manifest), any order. */
  public List<Retention.Backup> list() throws IOException {
    List<Retention.Backup> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            dir, p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))) {
      for (Path p : entries) {
        try {
          Manifest m = Manifest.read(p);
          out.add(new Retention.Backup(p.getFileName().toString(), Instant.parse(m.finishedAt())));
        } catch (BackupException | RuntimeException e) {
          log.warn("{} is not a complete backup, left alone: {}", p.getFileName(), e.getMessage());
        }
      }
    }
    return out;
  }

  /** Deletes every backup the policy does not keep; returns the ids removed. */
  public List<String> prune(Retention policy, Instant now) throws IOException {
    List<Retention.Backup> all = list();
    Map<String, String> keep = policy.keep(all);
    List<String> removed = new ArrayList<>();
    for (Retention.Backup b : all) {
      if (!keep.containsKey(b.id())) {
        Durable.deleteTree(dir.resolve(b.id()));
        catalog.pruned(
            b.id(),
            now.toString(),
            "beyond " + policy.keepDaily() + " daily and " + policy.keepWeekly() + " weekly");
        removed.add(b.id());
      }
    }
    if (!removed.isEmpty()) {
      Durable.syncDir(dir);
    }
    return removed;
  }
}
