package io.fleet.ingest.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void startWritesTheSettingsAndEachTickBringsTheRollupsUpToDate() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    Sql.exec(
        db,
        "INSERT INTO tracksolid.devices (imei, account) VALUES ('860000000000001', 'acme'), "
            + "('860000000000002', 'acme')");
    // 22:30 UTC on the 8th is 01:30 on the 9th in Nairobi: the trip belongs to the local 9th.
    Sql.exec(
        db,
        "INSERT INTO tracksolid.trips (imei, start_time, end_time, distance_m, duration_s, max_speed_kmh) "
            + "VALUES ('860000000000001', '2026-03-08T22:30Z', '2026-03-08T23:00Z', 12000, 1800, 80), "
            + "('860000000000001', '2026-03-09T12:00Z', '2026-03-09T12:10Z', 3000, 600, 60)");
    // A stop not yet ended (since 15:00 local on the 7th) counts as parked up to the tick (12:00
    // local on the 10th).
    Sql.exec(
        db,
        "INSERT INTO tracksolid.parking (imei, kind, start_time) VALUES "
            + "('860000000000002', 'parking', '2026-03-07T12:00Z')");
    Map<String, String> env = TestService.baseEnv(db);
    env.put("REPORTING_TIME_ZONE", "Africa/Nairobi");
    env.put("REPORTING_ROLLUP_WINDOW", "P3D");
    env.put("REPORTING_WORK_WINDOW", "08:00-17:30");
    MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));
    RunningService service = TestService.start(env, clock);
    try {
      assertThat(
              Sql.one(
                  db,
                  "SELECT time_zone, rollup_window = interval '3 days' AS w, "
                      + "work_end = interval '17 hours 30 minutes' AS e FROM reporting.settings"))
          .containsEntry("time_zone", "Africa/Nairobi")
          .containsEntry("w", true)
          .containsEntry("e", true);
      // The first tick runs at start.
      Waits.until(
          "the first tick is logged",
          () -> Sql.count(db, "SELECT count(*) FROM reporting.refresh_log") == 1);
      assertThat(Sql.one(db, "SELECT object_name, status, error FROM reporting.refresh_log"))
          .containsEntry("object_name", "reporting.rollups")
          .containsEntry("status", "ok");
      // Window P3D back from 12:00 local on the 10th: local days 7..10, dense for both vehicles.
      assertThat(Sql.count(db, "SELECT count(*) FROM reporting.daily_vehicle_summary"))
          .isEqualTo(8);
      assertThat(
              Sql.one(
                  db,
                  "SELECT trips, distance_m, driving_s FROM reporting.daily_vehicle_summary "
                      + "WHERE imei = '860000000000001' AND day = '2026-03-09'"))
          .containsEntry("trips", 2)
          .containsEntry("distance_m", 15000.0)
          .containsEntry("driving_s", 2400);
      assertThat(
              Sql.rows(
                  db,
                  "SELECT day::text AS day, parked_s FROM reporting.daily_vehicle_summary "
                      + "WHERE imei = '860000000000002' ORDER BY day"))
          .extracting(r -> r.get("day") + "=" + r.get("parked_s"))
          .containsExactly(
              "2026-03-07=32400", "2026-03-08=86400", "2026-03-09=86400", "2026-03-10=43200");
      assertThat(
              Sql.one(
                      db,
                      "SELECT trips, flags FROM reporting.daily_vehicle_summary "
                          + "WHERE imei = '860000000000001' AND day = '2026-03-08'")
                  .get("trips"))
          .isEqualTo(0);

      // New data shows after the next tick.
      Sql.exec(
          db,
          "INSERT INTO tracksolid.trips (imei, start_time, end_time, distance_m) VALUES ('860000000000002', "
              + "'2026-03-10T08:00Z', '2026-03-10T08:20Z', 100)");
      ReportingRefreshJob job = TestService.module(service, JobsModule.class).refresh();
      List<ReportingRefreshJob.Outcome> outcomes = TestService.Futures.get(job.runOnce(), 30);
      assertThat(outcomes).containsExactly(new ReportingRefreshJob.Outcome("rollups", true, null));
      assertThat(
              Sql.one(
                  db,
                  "SELECT trips, distance_m FROM reporting.daily_vehicle_summary "
                      + "WHERE imei = '860000000000002' AND day = '2026-03-10'"))
          .containsEntry("trips", 1);
      assertThat(Sql.count(db, "SELECT count(*) FROM reporting.refresh_log WHERE status = 'ok'"))
          .isEqualTo(2);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aZoneTheDatabaseDoesNotKnowStopsStartupNamingTheVariable() {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    // Java accepts this offset id; PostgreSQL's pg_timezone_names does not list it.
    env.put("REPORTING_TIME_ZONE", "UTC+03:00");
    assertThatThrownBy(
            () -> TestService.start(env, new MutableClock(Instant.parse("2026-03-10T09:00:00Z"))))
        .hasMessageContaining("REPORTING_TIME_ZONE")
        .hasMessageContaining("UTC+03:00");
  }
}
