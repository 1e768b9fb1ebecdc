package io.fleet.ingest.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ReportingConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.DeviceWriter;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every reporting object answers a tracksolid_reader login, and that login reads nothing in
 * tracksolid.*; fleet status, device contact, assignment history, geofence pairing, overspeed
 * episodes, timeline and route behave as documented.
 */
class ReportingObjectsTest {
  private static final ZoneId ZONE = ZoneId.of("Africa/Nairobi");

  @Test
  void aReaderLoginReadsEveryReportingObjectAndNoRawTable() throws Exception {
    // A fleet whose history ends now, so the views that look back from now() have rows.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant start = now.minus(Duration.ofDays(4)).truncatedTo(ChronoUnit.HOURS);
    FleetScenario fleet = new FleetScenario(ZONE, 5L, 3, 4, start);
    try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
      fleet.load(rt.db());
      String a = fleet.devices.get(0).imei();
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, geofence_id, first_source) VALUES "
              + "('"
              + a
              + "', 'in', now() - interval '30 hours', 'depot', 'poll'), "
              + "('"
              + a
              + "', 'out', now() - interval '29 hours', 'depot', 'poll'), "
              + "('"
              + a
              + "', 'out', now() - interval '20 hours', 'yard', 'poll'), "
              + "('"
              + a
              + "', 'in', now() - interval '10 hours', 'depot', 'poll')");
      MutableClock clock = new MutableClock(now);
      Map<String, String> env = new HashMap<>();
      env.put("REPORTING_TIME_ZONE", ZONE.getId());
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

      DatabaseTarget reader = ReaderLogin.create(rt.db());
      List<Map<String, Object>> objects =
          Sql.rows(
              rt.db(),
              "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                  + "ON n.oid = c.relnamespace WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p') "
                  + "ORDER BY 1");
      assertThat(objects)
          .extracting(r -> r.get("relname"))
          .contains(
              "daily_vehicle_summary",
              "daily_alarm_counts",
              "positions_15m",
              "settings",
              "vehicle_settings",
              "alarm_types",
              "v_fleet_status",
              "v_daily_vehicle_summary",
              "v_vehicle_weekly",
              "v_vehicle_monthly",
              "v_driver_clock",
              "v_alarms_daily",
              "v_overspeed_events",
              "v_fleet_utilisation_daily",
              "v_quarantine_daily",
              "v_ingest_lag_hourly",
              "v_data_quality_daily");
      for (Map<String, Object> o : objects) {
        Sql.rows(reader, "SELECT * FROM reporting." + o.get("relname") + " LIMIT 5");
      }
      for (String table :
          List.of(
              "devices",
              "trips",
              "position_history",
              "alarms",
              "device_state",
              "device_assignments")) {
        assertThatThrownBy(() -> Sql.rows(reader, "SELECT 1 FROM tracksolid." + table + " LIMIT 1"))
            .as(table)
            .hasMessageContaining("permission denied");
      }
      assertThatThrownBy(() -> Sql.rows(reader, "SELECT * FROM reporting.refresh_rollups(now())"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> Sql.rows(reader, "SELECT reporting.rebuild_rollups()"))
          .hasMessageContaining("permission denied");
      // A login without the reader role cannot reach raw data through the definer functions.
      String nobody = "nobody_" + rt.db().database();
      Sql.exec(
          rt.db(),
          "CREATE ROLE "
              + nobody
              + " LOGIN PASSWORD 'nobody-pw'; GRANT USAGE ON SCHEMA reporting TO "
              + nobody);
      DatabaseTarget stranger =
          new DatabaseTarget(
              rt.db().host(),
              rt.db().port(),
              rt.db().database(),
              nobody,
              "nobody-pw",
              rt.db().sslMode());
      assertThatThrownBy(
              () ->
                  Sql.rows(
                      stranger,
                      "SELECT * FROM reporting.route('x', now() - interval '1 day', now())"))
          .hasMessageContaining("permission denied for function route");

      // The analysts' functions, as the reader.
      String from = "'" + start + "'";
      String to = "'" + now + "'";
      assertThat(
              Sql.rows(
                  reader,
                  "SELECT * FROM reporting.vehicle_summary(current_date - 10, current_date)"))
          .hasSize(3)
          .allSatisfy(r -> assertThat(((Number) r.get("trips")).longValue()).isPositive());
      assertThat(
              Sql.rows(
                  reader, "SELECT * FROM reporting.route('" + a + "', " + from + ", " + to + ")"))
          .hasSize((int) fleet.positions.stream().filter(p -> p.imei().equals(a)).count());
      assertThatThrownBy(
              () ->
                  Sql.rows(
                      reader,
                      "SELECT * FROM reporting.route('"
                          + a
                          + "', now() - interval '32 days', "
                          + "now())"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("longer than 31 days")
          .satisfies(
              e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("22023"));
      List<Map<String, Object>> visits =
          Sql.rows(
              reader,
              "SELECT geofence_id, status FROM "
                  + "reporting.geofence_visits(now() - interval '2 days', now()) WHERE imei = '"
                  + a
                  + "' "
                  + "ORDER BY COALESCE(entered_at, exited_at)");
      assertThat(visits)
          .extracting(r -> r.get("geofence_id") + ":" + r.get("status"))
          .containsExactly("depot:closed", "yard:exit_without_enter", "depot:open");
      List<Map<String, Object>> timeline =
          Sql.rows(
              reader,
              "SELECT event FROM reporting.vehicle_timeline('"
                  + a
                  + "', "
                  + from
                  + ", "
                  + to
                  + ")");
      assertThat(timeline)
          .extracting(r -> r.get("event"))
          .contains(
              "alarm",
              "trip_start",
              "trip_end",
              "parking_start",
              "idling_end",
              "geofence_enter",
              "geofence_exit");
      long speedFixes = fleet.positions.stream().filter(p -> p.speedKmh() > 90).count();
      long episodes =
          Sql.count(
              reader,
              "SELECT count(*) FROM reporting.overspeed_episodes("
                  + from
                  + ", "
                  + to
                  + ") "
                  + "WHERE source <> 'alarm'");
      assertThat(episodes).isPositive().isLessThanOrEqualTo(speedFixes);
      assertThat(Sql.count(reader, "SELECT count(*) FROM reporting.v_driver_clock")).isPositive();
      assertThat(
              Sql.rows(
                  reader,
                  "SELECT device_group FROM reporting.v_fleet_utilisation_daily WHERE day = current_date - 1"))
          .extracting(r -> r.get("device_group"))
          .containsExactlyInAnyOrder("north", "south", "total");
    }
  }

  @Test
  void fleetStatusJudgesContactAndTheDeviceSyncKeepsAssignmentHistory() throws Exception {
    try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
      DatabaseTarget db = rt.db();
      Instant now = Instant.now();
      // The device sync first lists 'm' three days ago, driven by Ann.
      syncDevice(rt, "m", "m", "Ann", now.minus(Duration.ofDays(3)));
      Sql.exec(
          db,
          "INSERT INTO tracksolid.devices (imei, account, driver_name, vehicle_number, active, updated_at) VALUES "
              + "('860000000000777', 'x', 'Bob', 'KAA 2', true, now()), "
              + "('o', 'x', null, null, true, now()), ('n', 'x', null, null, true, now()), "
              + "('s', 'x', null, null, true, now()), ('i', 'x', null, null, false, now()), ('h', 'x', null, null, true, now())");
      Sql.exec(
          db,
          "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, speed_kmh, acc, source) VALUES "
              + "('m', now() - interval '1 minute', 1, 36, 50, true, 'poll'), "
              + "('860000000000777', now() - interval '3 days', 1, 36, 0, false, 'poll'), "
              + "('o', now() - interval '3 days', 1, 36, 0, false, 'poll'), "
              + "('s', now() - interval '2 hours', 1, 36, 40, true, 'poll'), "
              + "('h', now() - interval '2 hours', 1, 36, 40, true, 'poll')");
      // The parked tracker still sends heartbeats: through the location poll's hook, and a push
      // to /pushhb of the running service.
      Sql.exec(
          db,
          "SET ROLE tracksolid_ingest; SELECT tracksolid.record_device_contact(ARRAY['860000000000777'], "
              + "ARRAY[now() - interval '3 days'], ARRAY[now() - interval '2 hours'], ARRAY[true], 'poll', now()); "
              + "SELECT tracksolid.record_device_contact(ARRAY['h'], ARRAY[now() - interval '2 hours'], "
              + "ARRAY[now() - interval '1 minute'], ARRAY[true], 'poll', now())");
      RunningService service = TestService.start(TestService.baseEnv(db), Clock.systemUTC());
      try {
        String gate =
            LocalDateTime.now(ZoneOffset.UTC)
                .minusMinutes(5)
                .withNano(0)
                .toString()
                .replace('T', ' ');
        String items =
            "[{\"deviceImei\":\"860000000000777\",\"gateTime\":\"" + gate + "\",\"acc\":0}]";
        Http.Response r =
            Http.post(
                service.httpPort(),
                "/pushhb",
                "application/x-www-form-urlencoded",
                "token="
                    + TestService.WEBHOOK_TOKEN
                    + "&data_list="
                    + URLEncoder.encode(items, StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      } finally {
        TestService.stop(service);
      }
      DatabaseTarget reader = ReaderLogin.create(db);
      Map<String, String> status = new HashMap<>();
      for (Map<String, Object> r :
          Sql.rows(reader, "SELECT imei, status FROM reporting.v_fleet_status")) {
        status.put(
            ((String) r.get("imei")).replace("860000000000777", "p"), (String) r.get("status"));
      }
      assertThat(status)
          .containsEntry("m", "moving")
          .containsEntry("p", "parked")
          .containsEntry("o", "offline")
          .containsEntry("n", "never_reported")
          .containsEntry("s", "stale")
          .containsEntry("i", "inactive")
          // Its last fix was moving, but it has gone on sending heartbeats without fixes: stopped.
          .containsEntry("h", "parked");
      assertThat(
              Sql.one(
                  db,
                  "SELECT last_contact_source, last_heartbeat_at > now() - interval '10 minutes' AS fresh "
                      + "FROM tracksolid.device_state WHERE imei = '860000000000777'"))
          .containsEntry("last_contact_source", "push_heartbeat")
          .containsEntry("fresh", true);

      // The device sync changes the driver: the old assignment closes, a new one opens. A rename
      // alone opens none.
      syncDevice(rt, "m", "m", "Cyd", now.minus(Duration.ofDays(1)));
      syncDevice(rt, "m", "renamed", "Cyd", now);
      assertThat(
              Sql.rows(
                  db,
                  "SELECT driver_name, valid_from = '-infinity' AS first, valid_to IS NULL AS open "
                      + "FROM tracksolid.device_assignments WHERE imei = 'm' ORDER BY valid_from"))
          .extracting(r -> r.get("driver_name") + ":" + r.get("first") + ":" + r.get("open"))
          .containsExactly("Ann:true:false", "Cyd:false:true");
      assertThat(
              Sql.one(
                  db,
                  "SELECT (SELECT driver_name FROM reporting.assignment_at('m', now() - interval '2 days')) "
                      + "AS before, (SELECT driver_name FROM reporting.assignment_at('m', now())) AS after"))
          .containsEntry("before", "Ann")
          .containsEntry("after", "Cyd");
    }
  }

  /** One device as the device sync stores it (account x, vehicle KAA 1), as of {@code at}. */
  private static void syncDevice(
      RuntimePool rt, String imei, String name, String driver, Instant at) {
    DeviceRecord device =
        new DeviceRecord(
            imei,
            "x",
            name,
            null,
            null,
            null,
            "KAA 1",
            driver,
            null,
            null,
            null,
            null,
            null,
            true,
            new JsonObject().put("imei", imei));
    Futures.get(
        rt.pool().withTransaction(conn -> new DeviceWriter().write(conn, List.of(device), at)), 10);
  }
}
