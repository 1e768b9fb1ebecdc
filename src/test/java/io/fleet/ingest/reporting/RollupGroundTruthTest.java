package io.fleet.ingest.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ReportingConfig;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The daily rollup against the simulator's ground truth, computed here independently in the
 * reporting zone: per vehicle and local day, distance (trips shared in proportion to their time in
 * each day), driving, idle and parked seconds. One vehicle is parked for a whole local day, another
 * has a day without any data; the Berlin cases put the whole-day stop on the 23-hour and the
 * 25-hour day.
 */
class RollupGroundTruthTest {

  @ParameterizedTest(name = "{0} from {1}")
  @CsvSource({
    "Africa/Nairobi, 2026-03-01T00:00:00Z, 86400",
    "Europe/Berlin, 2026-03-27T00:00:00Z, 82800",
    "Europe/Berlin, 2026-10-23T00:00:00Z, 90000"
  })
  void everyVehicleDayMatchesTheGroundTruth(String zoneId, String startText, int wholeDaySeconds)
      throws Exception {
    ZoneId zone = ZoneId.of(zoneId);
    FleetScenario fleet = new FleetScenario(zone, 7L, 3, 6, Instant.parse(startText));
    List<LocalDate> days = fleet.days();
    String parked = fleet.devices.get(0).imei();
    String silent = fleet.devices.get(1).imei();
    LocalDate wholeDay = days.get(2);
    LocalDate emptyDay = days.get(3);
    fleet.cut(
        parked,
        fleet.dayStart(wholeDay).minus(Duration.ofHours(2)),
        fleet.dayEnd(wholeDay).plus(Duration.ofHours(2)),
        true);
    fleet.cut(silent, fleet.dayStart(emptyDay), fleet.dayEnd(emptyDay), false);
    // The cases the ground truth must include are really in the data.
    assertThat(fleet.trips)
        .as("a trip crossing local midnight")
        .anyMatch(
            t ->
                !t.startTime()
                    .atZone(zone)
                    .toLocalDate()
                    .equals(t.endTime().atZone(zone).toLocalDate()));
    assertThat(fleet.stops)
        .as("a stop spanning a whole local day")
        .anyMatch(
            s ->
                !s.startTime().isAfter(fleet.dayStart(wholeDay))
                    && !s.endTime().isBefore(fleet.dayEnd(wholeDay)));

    try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
      fleet.load(rt.db());
      MutableClock clock = new MutableClock(fleet.end.plus(Duration.ofDays(1)));
      Map<String, String> env = new HashMap<>();
      env.put("REPORTING_TIME_ZONE", zoneId);
      Futures.get(
          ReportingSettings.apply(rt.pool(), clock, ReportingConfig.from(new ConfigSource(env))),
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

      long checked = 0;
      for (var device : fleet.devices) {
        for (LocalDate day : days) {
          Instant from = fleet.dayStart(day);
          Instant to = fleet.dayEnd(day);
          long driving = 0;
          long idle = 0;
          long parkedS = 0;
          double distance = 0;
          int trips = 0;
          for (Trip t : fleet.trips) {
            if (t.imei().equals(device.imei())) {
              long s = FleetScenario.overlap(t.startTime(), t.endTime(), from, to);
              driving += s;
              distance +=
                  t.distanceM() * s / Duration.between(t.startTime(), t.endTime()).toSeconds();
              if (!t.startTime().isBefore(from) && t.startTime().isBefore(to)) {
                trips++;
              }
            }
          }
          for (Stop st : fleet.stops) {
            if (st.imei().equals(device.imei())) {
              long s = FleetScenario.overlap(st.startTime(), st.endTime(), from, to);
              if (st.accType().equals("on")) {
                idle += s;
              } else {
                parkedS += s;
              }
            }
          }
          long daySeconds = Duration.between(from, to).toSeconds();
          Map<String, Object> row =
              Sql.one(
                  rt.db(),
                  "SELECT day_seconds, trips, distance_m, driving_s, "
                      + "idle_s, parked_s, unaccounted_s, flags::text AS flags FROM reporting.daily_vehicle_summary "
                      + "WHERE imei = '"
                      + device.imei()
                      + "' AND day = '"
                      + day
                      + "'");
          String what = device.imei() + " " + day;
          assertThat(
                  Sql.one(
                      rt.db(),
                      "SELECT day_start = '"
                          + from
                          + "'::timestamptz AS ok FROM "
                          + "reporting.daily_vehicle_summary WHERE imei = '"
                          + device.imei()
                          + "' AND day = '"
                          + day
                          + "'"))
              .as(what + " day_start")
              .containsEntry("ok", true);
          assertThat(row.get("day_seconds")).as(what).isEqualTo((int) daySeconds);
          assertThat(row.get("trips")).as(what + " trips").isEqualTo(trips);
          assertThat((Double) row.get("distance_m"))
              .as(what + " distance")
              .isCloseTo(distance, within(0.01));
          assertThat(row.get("driving_s")).as(what + " driving").isEqualTo((int) driving);
          assertThat(row.get("idle_s")).as(what + " idle").isEqualTo((int) idle);
          assertThat(row.get("parked_s")).as(what + " parked").isEqualTo((int) parkedS);
          assertThat(row.get("unaccounted_s"))
              .as(what + " unaccounted")
              .isEqualTo((int) (daySeconds - driving - idle - parkedS));
          checked++;
        }
      }
      assertThat(checked).isEqualTo((long) fleet.devices.size() * days.size());

      // The whole-day stop: parked all day long, 23 or 25 hours on the Berlin DST days.
      Map<String, Object> whole =
          Sql.one(
              rt.db(),
              "SELECT day_seconds, parked_s, driving_s, trips "
                  + "FROM reporting.daily_vehicle_summary WHERE imei = '"
                  + parked
                  + "' AND day = '"
                  + wholeDay
                  + "'");
      assertThat(whole)
          .containsEntry("parked_s", whole.get("day_seconds"))
          .containsEntry("driving_s", 0)
          .containsEntry("trips", 0);
      assertThat(whole.get("day_seconds")).isEqualTo(wholeDaySeconds);
      // The day without data is a zero row, flagged.
      Map<String, Object> empty =
          Sql.one(
              rt.db(),
              "SELECT day_seconds, unaccounted_s, trips, distance_m, driving_s, "
                  + "idle_s, parked_s, fixes, alarms, distance_source, 'no_data' = ANY (flags) AS no_data, used "
                  + "FROM reporting.daily_vehicle_summary WHERE imei = '"
                  + silent
                  + "' AND day = '"
                  + emptyDay
                  + "'");
      assertThat(empty)
          .containsEntry("trips", 0)
          .containsEntry("distance_m", 0.0)
          .containsEntry("driving_s", 0)
          .containsEntry("idle_s", 0)
          .containsEntry("parked_s", 0)
          .containsEntry("fixes", 0)
          .containsEntry("alarms", 0)
          .containsEntry("distance_source", "none")
          .containsEntry("no_data", true)
          .containsEntry("used", false)
          .containsEntry("unaccounted_s", empty.get("day_seconds"));
      // Days of a DST zone add up: the seconds of all local days equal the wall time they span.
      Map<String, Object> sums =
          Sql.one(
              rt.db(),
              "SELECT sum(day_seconds) AS s, "
                  + "sum(driving_s + idle_s + parked_s + unaccounted_s) AS parts, "
                  + "EXTRACT(epoch FROM max(day_end) - min(day_start))::bigint AS span FROM reporting.daily_vehicle_summary "
                  + "WHERE imei = '"
                  + parked
                  + "' AND day BETWEEN '"
                  + days.get(0)
                  + "' AND '"
                  + days.get(days.size() - 1)
                  + "'");
      assertThat(((Number) sums.get("s")).longValue())
          .isEqualTo(((Number) sums.get("span")).longValue())
          .isEqualTo(((Number) sums.get("parts")).longValue());
    }
  }
}
