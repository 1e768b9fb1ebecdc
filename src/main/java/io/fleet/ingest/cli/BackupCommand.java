package io.fleet.ingest.cli;

import io.fleet.ingest.backup.BackupMetrics;
import io.fleet.ingest.backup.BackupSchedule;
import io.fleet.ingest.backup.BackupService;
import io.fleet.ingest.backup.SidecarHttp;
import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.DatabaseConfig;
import io.fleet.ingest.config.ServiceConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.jobs.DailySchedule;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code backup --once}: one verified backup of DATABASE_URL into BACKUP_DIR, exit 0 only when it
 * was verified. Without --once: the sidecar, backing up at BACKUP_AT and serving /health, /ready
 * and /metrics. On SIGTERM the backup in progress may finish within SHUTDOWN_GRACE; past it, it is
 * stopped and leaves no partial file and no catalog line.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description =
        "Back up DATABASE_URL into BACKUP_DIR: once, or nightly at BACKUP_AT as a sidecar.")
public final class BackupCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BackupCommand.class);

  @Option(names = "--once", description = "Run one backup and exit: 0 only when it was verified.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    ConfigSource source = ConfigSource.fromSystem();
    DatabaseConfig db = DatabaseConfig.from(source);
    BackupConfig config = BackupConfig.from(source);
    Duration grace = ServiceConfig.from(source).shutdownGrace();
    if (db.url().isEmpty()) {
      source.problem(DatabaseConfig.DATABASE_URL, "required by the backup command");
    }
    try {
      source.throwIfInvalid();
    } catch (ConfigException e) {
      System.err.println("tracksolid-ingest backup: " + e.getMessage());
      return 2;
    }
    DatabaseTarget target = DatabaseTarget.fromUri(db.url().orElseThrow(), db.password());
    Clock clock = Clock.systemUTC();
    BackupMetrics metrics =
        new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    BackupService service = new BackupService(config, target, clock, metrics);
    boolean history = service.loadHistory();
    AtomicReference<BackupSchedule> schedule = new AtomicReference<>();
    AtomicReference<SidecarHttp> http = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutdown requested: a backup in progress may finish within {}", grace);
                  if (schedule.get() != null) {
                    schedule.get().stop();
                  }
                  boolean finished;
                  try {
                    finished = service.awaitIdle(grace);
                    if (!finished) {
                      log.warn(
                          "grace period {} over: stopping the backup in progress; it leaves no partial file and no "
                              + "catalog entry",
                          grace);
                      service.cancel();
                      service.awaitIdle(Duration.ofSeconds(30));
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    finished = false;
                  }
                  if (http.get() != null) {
                    http.get().close();
                  }
                  boolean ok =
                      finished
                          && (!once
                              || service
                                  .lastOutcome()
                                  .map(BackupService.Outcome::ok)
                                  .orElse(false));
                  ServeCommand.flushLogs();
                  Runtime.getRuntime().halt(ok ? 0 : 1);
                },
                "shutdown"));

    if (once) {
      BackupService.Outcome outcome = service.runOnce();
      System.out.println((outcome.ok() ? "ok: " : "failed: ") + outcome.message());
      return outcome.ok() ? 0 : outcome.refused() ? 3 : 1;
    }
    SidecarHttp server =
        new SidecarHttp(
            config.httpHost(),
            config.httpPort(),
            metrics,
            () ->
                service
                    .lastOutcome()
                    .filter(o -> !o.ok())
                    .map(o -> "last backup failed: " + o.message())
                    .orElse(null));
    http.set(server);
    log.info(
        "backup sidecar: /health, /ready and /metrics on {}:{}; backups at {} {} into {}",
        config.httpHost(),
        server.port(),
        config.at(),
        config.zone(),
        config.dir().toAbsolutePath());
    BackupSchedule loop =
        new BackupSchedule(service, new DailySchedule(config.at(), config.zone()), clock);
    schedule.set(loop);
    loop.run(!history);
    return 0;
  }
}
