package io.fleet.ingest.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TimescaleDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On TimescaleDB: the tracksolid_backup role dumps a hypertable whose chunks are compressed, and
 * the restore (timescaledb_pre_restore / post_restore, no -j) brings back every row. Runs where
 * TEST_TIMESCALE_URL names a TimescaleDB server (superuser URL, timescaledb preloaded, licence
 * timescale) and BACKUP_PG_BIN (or PATH) holds a pg_dump of its major version.
 */
@DisplayName(
    "BackupTimescaleTest (runs with TEST_TIMESCALE_URL and a pg_dump of its major version; skipped without)")
class BackupTimescaleTest {

  @Test
  void theBackupRoleDumpsCompressedChunksAndTheRestoreBringsThemBack(@TempDir Path dir)
      throws Exception {
    DatabaseTarget server = TimescaleDatabases.serverOrSkip();
    String bin = System.getenv("BACKUP_PG_BIN");
    Optional<Path> pgBin =
        bin == null || bin.isBlank() ? Optional.empty() : Optional.of(Path.of(bin));
    // pg_dump refuses a server of a newer major version; without a matching client the backup
    // cannot run here at all, which is a missing tool, not a failure of the backup.
    int serverMajor =
        Integer.parseInt(
            String.valueOf(
                Sql.one(
                        server,
                        "SELECT current_setting('server_version_num')::int / 10000 AS major")
                    .get("major")));
    int dumpMajor = pgDumpMajor(new Tools(pgBin).pg("pg_dump"));
    TimescaleDatabases.assumeOrFail(
        dumpMajor >= serverMajor,
        "skipped: pg_dump "
            + (dumpMajor < 0 ? "not found" : dumpMajor)
            + " cannot dump PostgreSQL "
            + serverMajor
            + " (set BACKUP_PG_BIN)");
    String suffix = Long.toString(ProcessHandle.current().pid()) + System.nanoTime() % 100000;
    String login = "ts_backup_" + suffix;
    try {
      run(server, dir, pgBin, suffix, login);
    } finally {
      // Databases and the login role outlive the test on a shared server otherwise.
      Sql.exec(server, "DROP DATABASE IF EXISTS ts_src_" + suffix + " WITH (FORCE)");
      Sql.exec(server, "DROP DATABASE IF EXISTS ts_dst_" + suffix + " WITH (FORCE)");
      Sql.exec(server, "DROP ROLE IF EXISTS " + login);
    }
  }

  private static void run(
      DatabaseTarget server, Path dir, Optional<Path> pgBin, String suffix, String login)
      throws Exception {
    DatabaseTarget source = create(server, "ts_src_" + suffix);
    Sql.exec(source, "CREATE EXTENSION IF NOT EXISTS timescaledb");
    Migrator.migrate(source, Optional.of(Duration.ofDays(7)), Optional.empty());
    Sql.exec(
        source,
        "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, source) "
            + "SELECT '868120145233604', timestamptz '2026-01-01' + i * interval '10 minutes', -1.28, 36.81, 'poll' "
            + "FROM generate_series(1, 2000) i");
    Sql.exec(
        source,
        // The policy Migrator just added may be compressing the same chunks: the procedure waits.
        "CALL tracksolid.compress_chunks(interval '7 days')");
    assertThat(
            Sql.count(
                source,
                "SELECT count(*) FROM timescaledb_information.chunks "
                    + "WHERE hypertable_name = 'position_history' AND is_compressed"))
        .isPositive();
    Sql.exec(
        source,
        "CREATE ROLE " + login + " LOGIN PASSWORD 'ts-backup-pw' IN ROLE tracksolid_backup");
    DatabaseTarget asBackup =
        new DatabaseTarget(
            source.host(),
            source.port(),
            source.database(),
            login,
            "ts-backup-pw",
            source.sslMode());

    BackupConfig config =
        new BackupConfig(
            dir.resolve("backups"),
            LocalTime.of(3, 30),
            ZoneOffset.UTC,
            7,
            4,
            List.of(),
            pgBin,
            "127.0.0.1",
            0);
    BackupService.Outcome outcome =
        new BackupService(
                config,
                asBackup,
                Clock.systemUTC(),
                new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
            .runOnce();
    assertThat(outcome.ok()).as(outcome.message()).isTrue();
    Manifest m = outcome.manifest().orElseThrow();
    assertThat(m.extensions()).containsKey("timescaledb");
    assertThat(m.tables()).containsEntry("tracksolid.position_history", 2000L);

    DatabaseTarget target = create(server, "ts_dst_" + suffix);
    RestoreRun.Result result =
        new RestoreRun(
                config,
                target,
                config.dir().resolve(m.id()),
                Optional.empty(),
                false,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run();
    assertThat(result.mismatches()).isEmpty();
    assertThat(Sql.count(target, "SELECT count(*) FROM tracksolid.position_history"))
        .isEqualTo(2000);
    assertThat(
            Sql.count(
                target,
                "SELECT count(*) FROM timescaledb_information.hypertables "
                    + "WHERE hypertable_schema = 'tracksolid'"))
        .isEqualTo(4);
  }

  /** The major version of the pg_dump at {@code program}, or -1 where there is none. */
  private static int pgDumpMajor(String program) {
    try {
      Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return -1;
      }
      Matcher m = Pattern.compile("\\(PostgreSQL\\) (\\d+)").matcher(out);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static DatabaseTarget create(DatabaseTarget server, String name) {
    Sql.exec(server, "CREATE DATABASE " + name);
    return server.withDatabase(name);
  }
}
