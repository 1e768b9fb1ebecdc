package io.fleet.ingest.db;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies migrations/ with Flyway over JDBC, in one linear order of versions (V1, V2, ...; views
 * and functions in repeatable R__ files; afterMigrate.sql after every run). Blocking, so it runs
 * before any verticle is deployed and never on an event loop. Flyway's PostgreSQL advisory lock
 * lets replicas that start together migrate one after another. A database created by the layout
 * before the squash is adopted first ({@link LegacyHistory}); what the server offers for
 * TimescaleDB is reported after ({@link TimescaleStatus}).
 */
public final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);

  private Migrator() {}

  public static MigrateResult migrate(
      DatabaseTarget target, Optional<Duration> compressAfter, Optional<Duration> retention) {
    LegacyHistory.adoptIfPresent(target);
    Flyway flyway = configure(target, compressAfter, retention).load();
    MigrateResult result = flyway.migrate();
    log.info(
        "schema migrated: {} migration(s) applied, now at version {}",
        result.migrationsExecuted,
        result.targetSchemaVersion == null
            ? flyway.info().current().getVersion()
            : result.targetSchemaVersion);
    TimescaleStatus.read(target).log(compressAfter, retention);
    return result;
  }

  static FluentConfiguration configure(
      DatabaseTarget target, Optional<Duration> compressAfter, Optional<Duration> retention) {
    return Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        .placeholders(
            Map.of(
                "timescale_compress_after", compressAfter.map(Migrator::interval).orElse(""),
                "timescale_retention", retention.map(Migrator::interval).orElse("")))
        .connectRetries(10)
        .validateMigrationNaming(true);
  }

  static String interval(Duration d) {
    return d.toSeconds() + " seconds";
  }
}
