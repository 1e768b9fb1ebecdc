package io.fleet.ingest.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.Waits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportingRefreshJobTest {

  @Test
  void refreshesEveryMaterialisedViewAndLogsIt() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    Sql.exec(db, "INSERT INTO tracksolid.trips (imei, start_time, end_time, distance_m, duration_s, max_speed_kmh) "
        + "VALUES ('860000000000001', '2026-03-09T08:00Z', '2026-03-09T08:30Z', 12000, 1800, 80), "
        + "('860000000000001', '2026-03-09T12:00Z', '2026-03-09T12:10Z', 3000, 600, 60), "
        + "('860000000000002', '2026-03-10T07:00Z', '2026-03-10T07:20Z', 5000, 1200, 70)");
    Map<String, String> env = TestService.baseEnv(db);
    MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));
    RunningService service = TestService.start(env, clock);
    try {
      // The first refresh runs at start.
      Waits.until("the first refresh is logged",
          () -> Sql.count(db, "SELECT count(*) FROM reporting.refresh_log") == 1);
      assertThat(Sql.one(db, "SELECT object_name, status, error, finished_at = timestamptz '2026-03-10T09:00:00Z' "
          + "AS clocked FROM reporting.refresh_log"))
          .containsEntry("object_name", "reporting.mv_daily_device_activity").containsEntry("status", "ok")
          .containsEntry("clocked", true);
      assertThat(Sql.one(db, "SELECT trips, distance_m FROM reporting.mv_daily_device_activity "
          + "WHERE imei = '860000000000001' AND day_utc = '2026-03-09'"))
          .containsEntry("trips", 2L);
      assertThat(Sql.count(db, "SELECT count(*) FROM reporting.mv_daily_device_activity")).isEqualTo(2);

      // New data shows after the next refresh.
      Sql.exec(db, "INSERT INTO tracksolid.trips (imei, start_time, distance_m) VALUES ('860000000000003', "
          + "'2026-03-10T08:00Z', 100)");
      ReportingRefreshJob job = service.context().lookup(ReportingRefreshJob.class).orElseThrow();
      List<ReportingRefreshJob.Outcome> outcomes = TestService.Futures.get(job.runOnce(), 30);
      assertThat(outcomes).containsExactly(new ReportingRefreshJob.Outcome("mv_daily_device_activity", true, null));
      assertThat(Sql.count(db, "SELECT count(*) FROM reporting.mv_daily_device_activity")).isEqualTo(3);
      assertThat(Sql.count(db, "SELECT count(*) FROM reporting.refresh_log WHERE status = 'ok'")).isEqualTo(2);
    } finally {
      TestService.stop(service);
    }
  }
}
