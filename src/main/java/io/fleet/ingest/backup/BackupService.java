package io.fleet.ingest.backup;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs backups one at a time under the BACKUP_DIR lock, prunes after a verified one only, and
 * reports every run as a JSON log event and in the meters. A shutdown waits for the run in progress
 * ({@link #awaitIdle}) and, past its grace, stops it ({@link #cancel}): the run then removes its
 * work directory and writes no catalog line.
 */
public final class BackupService {
  private static final Logger log = LoggerFactory.getLogger(BackupService.class);

  /** How one run ended. */
  public record Outcome(
      boolean ok,
      boolean refused,
      String message,
      Optional<Manifest> manifest,
      List<String> pruned) {}

  private final BackupConfig config;
  private final DatabaseTarget db;
  private final Clock clock;
  private final BackupMetrics metrics;
  private final Object monitor = new Object();
  private boolean running;
  private volatile Tools tools;
  private volatile boolean stopping;
  private volatile Outcome last;

  public BackupService(BackupConfig config, DatabaseTarget db, Clock clock, BackupMetrics metrics) {
    this.config = config;
    this.db = db;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Seeds the meters from the catalog; true when at least one backup was ever made here. */
  public boolean loadHistory() {
    try {
      Optional<JsonNode> lastLine = new Catalog(config.dir()).last();
      lastLine.ifPresent(
          l ->
              metrics.known(
                  (double) Instant.parse(l.path("finishedAt").asText()).getEpochSecond(),
                  l.path("bytes").asDouble()));
      return lastLine.isPresent();
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read {}: {}", config.dir().resolve(Catalog.FILE), e.getMessage());
      return false;
    }
  }

  // The lock is held for the whole run by being open; the body has no use for it.
  @SuppressWarnings("try")
  public Outcome runOnce() {
    synchronized (monitor) {
      if (stopping) {
        return new Outcome(false, true, "shutting down", Optional.empty(), List.of());
      }
      running = true;
      tools = new Tools(config.pgBin());
    }
    long t0 = System.nanoTime();
    Outcome outcome =
        new Outcome(false, false, "the backup run ended unexpectedly", Optional.empty(), List.of());
    try (BackupLock lock = BackupLock.acquire(config.dir(), "backup")) {
      Manifest manifest = new BackupRun(config, db, clock, tools).run();
      List<String> pruned = prune();
      double seconds = (System.nanoTime() - t0) / 1e9;
      metrics.succeeded(
          seconds,
          (double) Instant.parse(manifest.finishedAt()).getEpochSecond(),
          (double) manifest.totalBytes());
      log.info(
          "backup {} completed and verified",
          manifest.id(),
          kv("event", "backup_completed"),
          kv("backup_id", manifest.id()),
          kv("bytes", manifest.totalBytes()),
          kv("duration_seconds", Math.round(seconds * 1000) / 1000.0),
          kv("encrypted", manifest.files().get(0).encrypted()),
          kv("tables", manifest.tables().size()),
          kv("pruned", pruned));
      outcome =
          new Outcome(
              true, false, "backup " + manifest.id() + " verified", Optional.of(manifest), pruned);
    } catch (BackupException e) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      metrics.failed(seconds, e.isRefused());
      // A failed run never prunes: the backups already there are all there is.
      log.error(
          "backup failed: {}",
          e.getMessage(),
          kv("event", "backup_failed"),
          kv("refused", e.isRefused()),
          kv("duration_seconds", Math.round(seconds * 1000) / 1000.0));
      outcome = new Outcome(false, e.isRefused(), e.getMessage(), Optional.empty(), List.of());
    } finally {
      // The outcome is published before the waiters wake: a shutdown hook that saw the run end
      // must also see how it ended.
      synchronized (monitor) {
        last = outcome;
        running = false;
        monitor.notifyAll();
      }
    }
    return outcome;
  }

  private List<String> prune() throws BackupException {
    try {
      return new BackupStore(config.dir())
          .prune(
              new Retention(config.keepDaily(), config.keepWeekly(), config.zone()),
              clock.instant());
    } catch (IOException e) {
      // The new backup is complete and catalogued; pruning is retried after the next one.
      log.warn("pruning old backups failed: {}", e.getMessage());
      return List.of();
    }
  }

  /** Refuses new runs; true when no run is in progress within {@code grace}. */
  public boolean awaitIdle(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (monitor) {
      stopping = true;
      while (running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** Stops the run in progress: its child process is killed and its work directory removed. */
  public void cancel() {
    Tools t = tools;
    if (t != null) {
      t.cancel();
    }
  }

  public Optional<Outcome> lastOutcome() {
    return Optional.ofNullable(last);
  }
}
