package io.fleet.ingest.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ReportingConfig;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A tick recomputes the trailing window and the days backfills touched, and writes only the rows
 * whose figures changed: a late alarm or a backfilled day changes exactly the affected rows.
 */
class RollupIncrementalTest {
  private static final ZoneId ZONE = ZoneId.of("Africa/Nairobi");

  @Test
  void aLateAlarmAndABackfilledDayChangeExactlyTheirRows() throws Exception {
    FleetScenario fleet = new FleetScenario(ZONE, 11L, 3, 8, Instant.parse("2026-03-01T00:00:00Z"));
    List<LocalDate> days = fleet.days();
    try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
      fleet.load(rt.db());
      MutableClock clock = new MutableClock(fleet.end.plus(Duration.ofHours(2)));
      Map<String, String> env = new HashMap<>();
      env.put("REPORTING_TIME_ZONE", ZONE.getId());
      env.put("REPORTING_ROLLUP_WINDOW", "P3D");
      Futures.get(
          ReportingSettings.apply(rt.pool(), clock, ReportingConfig.from(new ConfigSource(env))),
          30);
      // History before the window is built once, as an operator would after installing.
      Sql.one(
          rt.db(),
          "SELECT reporting.rebuild_rollups('"
              + days.get(0)
              + "', '"
              + days.get(days.size() - 1)
              + "')");
      ReportingRefreshJob job =
          new ReportingRefreshJob(
              rt.vertx(),
              rt.pool(),
              clock,
              new Leases(rt.pool(), clock, "test"),
              Duration.ofMinutes(15),
              new IngestMetrics(new SimpleMeterRegistry()));
      tick(job);
      Map<String, String> before = versions(rt);
      Map<String, String> alarmsBefore = alarmVersions(rt);
      assertThat(before).hasSize(fleet.devices.size() * days.size());

      // A quiet tick changes nothing.
      clock.advance(Duration.ofMinutes(15));
      tick(job);
      assertThat(versions(rt)).isEqualTo(before);
      assertThat(alarmVersions(rt)).isEqualTo(alarmsBefore);

      // A late SOS alarm yesterday, inside the window.
      String late = fleet.devices.get(0).imei();
      LocalDate yesterday = days.get(days.size() - 2);
      Instant at = yesterday.atTime(10, 17, 3).atZone(ZONE).toInstant();
      long alarmsThatDay =
          (long)
              Sql.one(
                      rt.db(),
                      "SELECT alarms::bigint AS n FROM reporting.daily_vehicle_summary "
                          + "WHERE imei = '"
                          + late
                          + "' AND day = '"
                          + yesterday
                          + "'")
                  .get("n");
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, alarm_name, first_source, "
              + "seen_by_push) VALUES ('"
              + late
              + "', '1', '"
              + at
              + "', 'SOS', 'push', true)");
      clock.advance(Duration.ofMinutes(15));
      tick(job);
      Map<String, String> afterAlarm = versions(rt);
      assertThat(changed(before, afterAlarm)).containsExactly(yesterday + "|" + late);
      assertThat(
              Sql.one(
                  rt.db(),
                  "SELECT alarms::bigint AS n, (alarms_by_category ->> 'sos')::int AS sos "
                      + "FROM reporting.daily_vehicle_summary WHERE imei = '"
                      + late
                      + "' AND day = '"
                      + yesterday
                      + "'"))
          .containsEntry("n", alarmsThatDay + 1);
      Map<String, String> alarmsAfter = alarmVersions(rt);
      assertThat(changed(alarmsBefore, alarmsAfter)).containsExactly(yesterday + "|" + late + "|1");
      assertThat(
              Sql.one(
                  rt.db(),
                  "SELECT category, severity, push_only FROM reporting.daily_alarm_counts "
                      + "WHERE imei = '"
                      + late
                      + "' AND day = '"
                      + yesterday
                      + "' AND alarm_type = '1'"))
          .containsEntry("category", "sos")
          .containsEntry("severity", "critical");

      // A backfill finds a trip on an old day, outside the window, during a long parking stop.
      String backfilled = fleet.devices.get(2).imei();
      LocalDate old = days.get(2);
      Stop stop =
          fleet.stops.stream()
              .filter(
                  s ->
                      s.imei().equals(backfilled)
                          && s.accType().equals("off")
                          && !s.startTime().isBefore(fleet.dayStart(old))
                          && s.endTime().isBefore(fleet.dayEnd(old))
                          && s.durationS() > 3600)
              .findFirst()
              .orElseThrow();
      Instant tripStart = stop.startTime().plus(Duration.ofMinutes(10));
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.trips (imei, start_time, end_time, distance_m, duration_s) VALUES ('"
              + backfilled
              + "', '"
              + tripStart
              + "', '"
              + tripStart.plusSeconds(600)
              + "', 5000, 600)");
      Map<String, Object> oldRow =
          Sql.one(
              rt.db(),
              "SELECT trips, driving_s, parked_s FROM "
                  + "reporting.daily_vehicle_summary WHERE imei = '"
                  + backfilled
                  + "' AND day = '"
                  + old
                  + "'");
      // Outside the window and not yet logged by a backfill run: the tick leaves it alone.
      clock.advance(Duration.ofMinutes(15));
      tick(job);
      assertThat(versions(rt)).isEqualTo(afterAlarm);
      // The backfill run's log row names the window it wrote; the next tick recomputes that day.
      Instant now = clock.instant();
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.ingestion_log (stream, account, run_kind, window_start, window_end, "
              + "rows_fetched, rows_inserted, started_at, finished_at, duration_ms, status) VALUES ('poll.trips', 'demo', "
              + "'backfill', '"
              + fleet.dayStart(old)
              + "', '"
              + fleet.dayEnd(old)
              + "', 1, 1, '"
              + now
              + "', '"
              + now
              + "', 10, 'ok')");
      clock.advance(Duration.ofMinutes(15));
      tick(job);
      Map<String, String> afterBackfill = versions(rt);
      assertThat(changed(afterAlarm, afterBackfill)).containsExactly(old + "|" + backfilled);
      assertThat(
              Sql.one(
                  rt.db(),
                  "SELECT trips, driving_s, parked_s FROM reporting.daily_vehicle_summary "
                      + "WHERE imei = '"
                      + backfilled
                      + "' AND day = '"
                      + old
                      + "'"))
          .containsEntry("trips", (Integer) oldRow.get("trips") + 1)
          .containsEntry("driving_s", (Integer) oldRow.get("driving_s") + 600)
          .containsEntry("parked_s", (Integer) oldRow.get("parked_s") - 600);
      assertThat(alarmVersions(rt)).isEqualTo(alarmsAfter);

      // The tick after that has nothing to do.
      clock.advance(Duration.ofMinutes(15));
      tick(job);
      assertThat(versions(rt)).isEqualTo(afterBackfill);
    }
  }

  @Test
  void changingTheZoneNeedsOnlyARebuild() throws Exception {
    try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.devices (imei, account) VALUES ('860000000000001', 'acme'); "
              + "INSERT INTO tracksolid.trips (imei, start_time, end_time, distance_m) VALUES "
              + "('860000000000001', '2026-03-08T22:30Z', '2026-03-08T23:00Z', 12000)");
      MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));
      ReportingRefreshJob job =
          new ReportingRefreshJob(
              rt.vertx(),
              rt.pool(),
              clock,
              new Leases(rt.pool(), clock, "test"),
              Duration.ofMinutes(15),
              new IngestMetrics(new SimpleMeterRegistry()));
      Futures.get(
          ReportingSettings.apply(
              rt.pool(), clock, ReportingConfig.from(new ConfigSource(Map.of()))),
          30);
      tick(job);
      assertThat(
              Sql.one(
                  rt.db(),
                  "SELECT day::text AS day FROM reporting.daily_vehicle_summary WHERE trips = 1"))
          .containsEntry("day", "2026-03-08");

      Futures.get(
          ReportingSettings.apply(
              rt.pool(),
              clock,
              ReportingConfig.from(
                  new ConfigSource(Map.of("REPORTING_TIME_ZONE", "Africa/Nairobi")))),
          30);
      assertThat(
              Sql.count(
                  rt.db(),
                  "SELECT count(*) FROM reporting.v_data_quality_daily WHERE rollup_zone_differs"))
          .isPositive();
      Sql.one(rt.db(), "SELECT reporting.rebuild_rollups('2026-02-20', '2026-03-10')");
      // 22:30 UTC is 01:30 the next day in Nairobi; every row now starts at a Nairobi midnight.
      assertThat(
              Sql.one(
                  rt.db(),
                  "SELECT day::text AS day, day_start = '2026-03-08T21:00Z' AS nairobi "
                      + "FROM reporting.daily_vehicle_summary WHERE trips = 1"))
          .containsEntry("day", "2026-03-09")
          .containsEntry("nairobi", true);
      assertThat(
              Sql.count(
                  rt.db(),
                  "SELECT count(*) FROM reporting.daily_vehicle_summary "
                      + "WHERE day_start <> day::timestamp AT TIME ZONE 'Africa/Nairobi'"))
          .isZero();
      assertThat(
              Sql.count(
                  rt.db(),
                  "SELECT count(*) FROM reporting.v_data_quality_daily WHERE rollup_zone_differs"))
          .isZero();
    }
  }

  private static void tick(ReportingRefreshJob job) {
    assertThat(Futures.get(job.runOnce(), 120)).allMatch(ReportingRefreshJob.Outcome::ok);
  }

  /** Row version (xmin) and computed_at per (day, imei). */
  private static Map<String, String> versions(RuntimePool rt) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> r :
        Sql.rows(
            rt.db(),
            "SELECT day::text || '|' || imei AS k, xmin::text || '@' || "
                + "computed_at::text AS v FROM reporting.daily_vehicle_summary")) {
      out.put((String) r.get("k"), (String) r.get("v"));
    }
    return out;
  }

  private static Map<String, String> alarmVersions(RuntimePool rt) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> r :
        Sql.rows(
            rt.db(),
            "SELECT day::text || '|' || imei || '|' || alarm_type AS k, "
                + "xmin::text || '@' || computed_at::text AS v FROM reporting.daily_alarm_counts")) {
      out.put((String) r.get("k"), (String) r.get("v"));
    }
    return out;
  }

  private static Set<String> changed(Map<String, String> before, Map<String, String> after) {
    Set<String> keys = new HashSet<>(before.keySet());
    keys.addAll(after.keySet());
    keys.removeIf(k -> java.util.Objects.equals(before.get(k), after.get(k)));
    return keys;
  }
}
