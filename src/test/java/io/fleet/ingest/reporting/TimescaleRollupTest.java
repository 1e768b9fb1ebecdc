package io.fleet.ingest.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ReportingConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.support.TimescaleDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On TimescaleDB (TEST_TIMESCALE_URL: a superuser URL of a server with timescaledb preloaded and
 * the timescale licence) reporting.positions_15m is a continuous aggregate with a refresh policy,
 * and answers the same as the table form on plain PostgreSQL for the same fleet. Skipped without
 * TEST_TIMESCALE_URL.
 */
@DisplayName("TimescaleRollupTest (runs with TEST_TIMESCALE_URL or Docker; skipped without either)")
class TimescaleRollupTest {
  private static final String ROWS =
      "SELECT imei, bucket, fixes, moving_fixes, max_speed_kmh, first_fix_at, "
          + "last_fix_at, round(avg_ingest_lag_s, 6) AS avg_lag, round(max_ingest_lag_s, 6) AS max_lag "
          + "FROM reporting.positions_15m ORDER BY imei, bucket";

  @Test
  void positions15mIsAContinuousAggregateThatAnswersLikeTheTable() throws Exception {
    DatabaseTarget server = TimescaleDatabases.serverOrSkip();
    FleetScenario fleet =
        new FleetScenario(ZoneId.of("UTC"), 3L, 3, 3, Instant.parse("2026-05-01T00:00:00Z"));

    String name = "ts_rollup_" + ProcessHandle.current().pid();
    Sql.exec(server, "DROP DATABASE IF EXISTS " + name);
    Sql.exec(server, "CREATE DATABASE " + name);
    DatabaseTarget ts = server.withDatabase(name);
    try {
      Migrator.migrate(ts, Optional.empty(), Optional.empty());
      assertThat(Sql.one(ts, "SELECT current_setting('timescaledb.license') AS l"))
          .containsEntry("l", "timescale");
      assertThat(
              Sql.count(
                  ts,
                  "SELECT count(*) FROM timescaledb_information.continuous_aggregates "
                      + "WHERE view_schema = 'reporting' AND view_name = 'positions_15m'"))
          .isEqualTo(1);
      // Since TimescaleDB 2.20 (timescale/timescaledb#7976) the jobs view names a continuous
      // aggregate's policy by the aggregate itself, no longer by its materialization hypertable.
      assertThat(
              Sql.count(
                  ts,
                  "SELECT count(*) FROM timescaledb_information.jobs j "
                      + "WHERE j.hypertable_schema = 'reporting' AND j.hypertable_name = 'positions_15m' "
                      + "AND j.proc_name = 'policy_refresh_continuous_aggregate'"))
          .isEqualTo(1);
      fleet.load(ts);
      // What the policy does on its schedule, over all of history at once (not in a transaction).
      Sql.exec(ts, "CALL refresh_continuous_aggregate('reporting.positions_15m', NULL, NULL)");
      List<Map<String, Object>> aggregate = Sql.rows(ts, ROWS);

      try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
        assertThat(
                Sql.one(
                    rt.db(),
                    "SELECT relkind::text AS k FROM pg_class WHERE oid = 'reporting.positions_15m'::regclass"))
            .containsEntry("k", "r");
        fleet.load(rt.db());
        MutableClock clock = new MutableClock(fleet.end.plus(Duration.ofHours(1)));
        Futures.get(
            ReportingSettings.apply(
                rt.pool(), clock, ReportingConfig.from(new ConfigSource(Map.of()))),
            30);
        ReportingRefreshJob job =
            new ReportingRefreshJob(
                rt.vertx(),
                rt.pool(),
                clock,
                new Leases(rt.pool(), clock, "test"),
                Duration.ofMinutes(15),
                new IngestMetrics(new SimpleMeterRegistry()));
        assertThat(Futures.get(job.runOnce(), 120)).allMatch(ReportingRefreshJob.Outcome::ok);
        List<Map<String, Object>> table = Sql.rows(rt.db(), ROWS);
        assertThat(table).isNotEmpty();
        assertThat(aggregate).isEqualTo(table);
      }
    } finally {
      Sql.exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
