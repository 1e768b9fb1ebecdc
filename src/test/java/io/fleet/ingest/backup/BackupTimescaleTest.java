package io.fleet.ingest.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.Sql;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On TimescaleDB: the tracksolid_backup role dumps a hypertable whose chunks are compressed, and
 * the restore (timescaledb_pre_restore / post_restore, no -j) brings back every row. Runs where
 * TEST_TIMESCALE_URL names a TimescaleDB server (superuser URL, timescaledb preloaded, licence
 * timescale) and BACKUP_PG_BIN (or PATH) holds a pg_dump of its major version.
 */
class BackupTimescaleTest {

  @Test
  void theBackupRoleDumpsCompressedChunksAndTheRestoreBringsThemBack(@TempDir Path dir) throws Exception {
    String url = System.getenv("TEST_TIMESCALE_URL");
    Assumptions.assumeTrue(url != null && !url.isBlank(), "skipped: TEST_TIMESCALE_URL is not set");
    DatabaseTarget server = DatabaseTarget.fromUri(url, Optional.empty());
    String suffix = Long.toString(ProcessHandle.current().pid()) + System.nanoTime() % 100000;
    DatabaseTarget source = create(server, "ts_src_" + suffix);
    Sql.exec(source, "CREATE EXTENSION IF NOT EXISTS timescaledb");
    Migrator.migrate(source, Optional.of(Duration.ofDays(7)), Optional.empty());
    Sql.exec(source, "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, source) "
        + "SELECT '868120145233604', timestamptz '2026-01-01' + i * interval '10 minutes', -1.28, 36.81, 'poll' "
        + "FROM generate_series(1, 2000) i");
    Sql.exec(source, "SELECT compress_chunk(c, if_not_compressed => true) "
        + "FROM show_chunks('tracksolid.position_history') c");
    assertThat(Sql.count(source, "SELECT count(*) FROM timescaledb_information.chunks "
        + "WHERE hypertable_name = 'position_history' AND is_compressed")).isPositive();
    String login = "ts_backup_" + suffix;
    Sql.exec(source, "CREATE ROLE " + login + " LOGIN PASSWORD 'ts-backup-pw' IN ROLE tracksolid_backup");
    DatabaseTarget asBackup = new DatabaseTarget(source.host(), source.port(), source.database(), login,
        "ts-backup-pw", source.sslMode());

    String bin = System.getenv("BACKUP_PG_BIN");
    BackupConfig config = new BackupConfig(dir.resolve("backups"), LocalTime.of(3, 30), ZoneOffset.UTC, 7, 4,
        List.of(), bin == null || bin.isBlank() ? Optional.empty() : Optional.of(Path.of(bin)), "127.0.0.1", 0);
    BackupService.Outcome outcome = new BackupService(config, asBackup, Clock.systemUTC(),
        new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).runOnce();
    assertThat(outcome.ok()).as(outcome.message()).isTrue();
    Manifest m = outcome.manifest().orElseThrow();
    assertThat(m.extensions()).containsKey("timescaledb");
    assertThat(m.tables()).containsEntry("tracksolid.position_history", 2000L);

    DatabaseTarget target = create(server, "ts_dst_" + suffix);
    RestoreRun.Result result = new RestoreRun(config, target, config.dir().resolve(m.id()), Optional.empty(), false,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
    assertThat(result.mismatches()).isEmpty();
    assertThat(Sql.count(target, "SELECT count(*) FROM tracksolid.position_history")).isEqualTo(2000);
    assertThat(Sql.count(target, "SELECT count(*) FROM timescaledb_information.hypertables "
        + "WHERE hypertable_schema = 'tracksolid'")).isEqualTo(4);
  }

  private static DatabaseTarget create(DatabaseTarget server, String name) {
    Sql.exec(server, "CREATE DATABASE " + name);
    return server.withDatabase(name);
  }
}
