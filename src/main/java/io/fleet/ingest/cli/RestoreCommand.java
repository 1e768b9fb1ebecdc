package io.fleet.ingest.cli;

import io.fleet.ingest.backup.BackupException;
import io.fleet.ingest.backup.RestoreRun;
import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.DatabaseConfig;
import io.fleet.ingest.db.DatabaseTarget;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code restore --file PATH}: restores a backup into DATABASE_URL. Exit 0 when restored with every
 * row count equal to the manifest; 3 when refused (busy, damaged, version mismatch, target not
 * empty); 4 when restored but counts differ; 1 on any other failure.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description =
        "Restore a backup (its directory or a file in it) into the database DATABASE_URL names.")
public final class RestoreCommand implements Callable<Integer> {

  @Option(
      names = "--file",
      required = true,
      description = "The backup directory, or its database.dump[.age].")
  Path file;

  @Option(
      names = "--identity",
      description = "age private key file, for an encrypted backup (give it only here).")
  Path identity;

  @Option(
      names = "--force",
      description = "Restore into a database that already holds tables, replacing them.")
  boolean force;

  @Override
  public Integer call() {
    ConfigSource source = ConfigSource.fromSystem();
    DatabaseConfig db = DatabaseConfig.from(source);
    BackupConfig config = BackupConfig.from(source);
    if (db.url().isEmpty()) {
      source.problem(
          DatabaseConfig.DATABASE_URL,
          "required by the restore command: the database to restore into");
    }
    try {
      source.throwIfInvalid();
    } catch (ConfigException e) {
      System.err.println("tracksolid-ingest restore: " + e.getMessage());
      return 2;
    }
    DatabaseTarget target = DatabaseTarget.fromUri(db.url().orElseThrow(), db.password());
    try {
      RestoreRun.Result result =
          new RestoreRun(config, target, file, Optional.ofNullable(identity), force, System.out)
              .run();
      if (!result.countsMatch()) {
        System.err.println(
            "tracksolid-ingest restore: restored, but row counts differ from the manifest: "
                + result.mismatches());
        return 4;
      }
      System.out.println(
          "restored backup " + result.manifest().id() + " into " + target.database());
      return 0;
    } catch (BackupException e) {
      System.err.println("tracksolid-ingest restore: " + e.getMessage());
      return e.isRefused() ? 3 : 1;
    }
  }
}
