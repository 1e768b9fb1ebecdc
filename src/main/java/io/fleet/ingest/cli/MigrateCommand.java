package io.fleet.ingest.cli;

import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.DatabaseConfig;
import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Applies the migrations and exits: the deploy step that owns the schema, so the running service
 * never needs the owner's credentials (run it with MIGRATE_ON_START=false).
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Apply database migrations to DATABASE_MIGRATION_URL (or DATABASE_URL) and exit.")
public final class MigrateCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    ConfigSource source = ConfigSource.fromSystem();
    DatabaseConfig db = DatabaseConfig.from(source);
    DatabaseConfig.checkCompressionAge(source, db, PollConfig.from(source));
    if (db.url().isEmpty()) {
      source.problem(DatabaseConfig.DATABASE_URL, "required by the migrate command");
    }
    try {
      source.throwIfInvalid();
    } catch (ConfigException e) {
      System.err.println("tracksolid-ingest migrate: " + e.getMessage());
      return 2;
    }
    DatabaseTarget target =
        db.migrationUrl()
            .map(u -> DatabaseTarget.fromUri(u, Optional.empty()))
            .orElseGet(() -> DatabaseTarget.fromUri(db.url().orElseThrow(), db.password()));
    Migrator.migrate(target, db.timescaleCompressAfter(), db.timescaleRetention());
    return 0;
  }
}
