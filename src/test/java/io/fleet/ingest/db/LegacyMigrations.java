package io.fleet.ingest.db;

import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * Builds a database with the migration layout from before the squash (kept under
 * src/test/resources/legacy-migrations for the comparison and adoption tests only), as the last
 * release of that layout did: per-concern version ranges applied out of order, then its
 * afterMigrate.
 */
final class LegacyMigrations {
  private LegacyMigrations() {}

  static void build(DatabaseTarget db) {
    build(db, null);
  }

  /** Up to {@code target} only (null: all of it), as a database from an older build would be. */
  static void build(DatabaseTarget db, String target) {
    var config =
        Flyway.configure()
            .dataSource(db.jdbcUrl(), db.user(), db.password())
            .locations("classpath:legacy-migrations")
            .placeholders(Map.of("timescale_compress_after", "", "timescale_retention", ""))
            .outOfOrder(true);
    if (target != null) {
      config.target(target);
    }
    config.load().migrate();
  }
}
