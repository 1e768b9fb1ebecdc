package io.fleet.ingest.db;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies migrations/ with Flyway over JDBC. Blocking, so it runs before any verticle is
 * deployed and never on an event loop. Flyway's PostgreSQL advisory lock lets replicas that
 * start together migrate one after another.
 */
public final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);

  private Migrator() {
  }

  public static MigrateResult migrate(DatabaseTarget target, Optional<Duration> compressAfter,
                                      Optional<Duration> retention) {
    Flyway flyway = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        .placeholders(Map.of(
            "timescale_compress_after", compressAfter.map(Migrator::interval).orElse(""),
            "timescale_retention", retention.map(Migrator::interval).orElse("")))
        .connectRetries(10)
        // Each concern numbers its migrations in its own range (V1-V3 core, V20s geocoding, V40s
        // operations, V50s polling), so a new migration in a lower range must still apply to a
        // database that already has a higher one.
        .outOfOrder(true)
        .validateMigrationNaming(true)
        .load();
    MigrateResult result = flyway.migrate();
    log.info("schema migrated: {} migration(s) applied, now at version {}", result.migrationsExecuted,
        result.targetSchemaVersion == null ? flyway.info().current().getVersion() : result.targetSchemaVersion);
    return result;
  }

  static String interval(Duration d) {
    return d.toSeconds() + " seconds";
  }
}
