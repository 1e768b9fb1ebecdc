package io.fleet.ingest.poll;

import static io.fleet.ingest.poll.PollFixture.awaitCaughtUp;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.TripRecord;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The poll side under rows the vendor should never have sent: the row rules refuse what cannot be
 * stored, PostgreSQL's own refusals are isolated to their rows, and in every case the clean rows of
 * the slice land and the checkpoint moves on.
 */
class PollRowRulesTest {
  private static final int FLEET = 2;

  @Test
  void anAlarmTypeOf9000RandomCharactersIsQuarantinedAndTheCleanAlarmsLand() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(1)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    String imei = firstImei(fleet);
    Instant at = FakeFleet.ORIGIN.plus(Duration.ofHours(5)).plusSeconds(11);
    fleet.lateAlarms.add(
        new FakeFleet.Late(alarm(imei, randomText(9000, 7), at, "SOS"), FakeFleet.ORIGIN));
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      assertThat(
              Sql.rows(
                  db,
                  "SELECT reason, imei, detail FROM tracksolid.quarantine WHERE stream = 'poll.alarms'"))
          .singleElement()
          .satisfies(
              q -> {
                assertThat(q.get("reason")).isEqualTo("invalid_alarm_type");
                assertThat(q.get("imei")).isEqualTo(imei);
                assertThat((String) q.get("detail")).contains("9000 characters");
              });
      long clean = truthAlarms(fleet, clock);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.alarms")).isEqualTo(clean - 1);
      assertThat(
              Sql.count(db, "SELECT count(*) FROM tracksolid.alarms WHERE length(alarm_type) > 64"))
          .isZero();
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms'"
                      + " AND status <> 'ok'"))
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aRowPostgresqlRefusesIsQuarantinedWithItsSqlstateAndTheRestOfTheSliceCommits() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    // A rule the service does not know: PostgreSQL is the only one to refuse this row.
    Sql.exec(
        db,
        "ALTER TABLE tracksolid.alarms ADD CONSTRAINT test_no_poison"
            + " CHECK (alarm_name IS DISTINCT FROM 'poison')");
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(1)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    String imei = firstImei(fleet);
    Instant at = FakeFleet.ORIGIN.plus(Duration.ofHours(4)).plusSeconds(3);
    fleet.lateAlarms.add(new FakeFleet.Late(alarm(imei, "6", at, "poison"), FakeFleet.ORIGIN));
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      Map<String, Object> q =
          Sql.one(
              db,
              "SELECT reason, imei, detail, item->>'alertTime' AS at FROM tracksolid.quarantine"
                  + " WHERE stream = 'poll.alarms'");
      assertThat(q).containsEntry("reason", "refused_by_database").containsEntry("imei", imei);
      assertThat((String) q.get("detail")).startsWith("23514: ").contains("test_no_poison");
      assertThat(q.get("at")).isEqualTo(at.toString());
      long clean = truthAlarms(fleet, clock);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.alarms")).isEqualTo(clean - 1);
      // Counted as rejected in its run, which committed: every fetched row is accounted for.
      assertThat(
              Sql.count(
                  db,
                  "SELECT COALESCE(sum(rows_rejected), 0) FROM tracksolid.ingestion_log"
                      + " WHERE stream = 'poll.alarms' AND status = 'ok'"))
          .isPositive();
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms'"
                      + " AND status <> 'ok'"))
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aTripAndAStopWithoutCoordinatesTakeThemFromPositionHistory() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(1)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    String imei = firstImei(fleet);
    Instant tripStart = FakeFleet.ORIGIN.plus(Duration.ofMinutes(90)).plusSeconds(1);
    Instant tripEnd = tripStart.plus(Duration.ofMinutes(20));
    Instant stopStart = FakeFleet.ORIGIN.plus(Duration.ofMinutes(150)).plusSeconds(2);
    fix(db, imei, tripStart.minusSeconds(60), 1.5, 30.5);
    fix(db, imei, tripEnd.minusSeconds(30), 1.6, 30.6);
    fix(db, imei, stopStart.minusSeconds(45), 1.7, 30.7);
    fleet.extraTrips.add(
        new TripRecord(
            imei,
            tripStart,
            tripEnd,
            "acme",
            null,
            null,
            null,
            null,
            900.0,
            1200,
            30.0,
            50.0,
            null,
            null,
            "report.trips",
            new JsonObject().put("imei", imei).put("startTime", tripStart.toString())));
    fleet.extraStops.add(
        new ParkingRecord(
            imei,
            ParkingRecord.Kind.PARKING,
            stopStart,
            stopStart.plus(Duration.ofMinutes(15)),
            "acme",
            900,
            900,
            null,
            null,
            null,
            null,
            new JsonObject().put("imei", imei).put("startTime", stopStart.toString())));
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      assertThat(
              Sql.one(
                  db,
                  "SELECT start_lat, start_lng, end_lat, end_lng FROM tracksolid.trips"
                      + " WHERE imei = '"
                      + imei
                      + "' AND start_time = '"
                      + tripStart
                      + "'"))
          .containsEntry("start_lat", 1.5)
          .containsEntry("start_lng", 30.5)
          .containsEntry("end_lat", 1.6)
          .containsEntry("end_lng", 30.6);
      assertThat(
              Sql.one(
                  db,
                  "SELECT lat, lng FROM tracksolid.parking WHERE imei = '"
                      + imei
                      + "' AND start_time = '"
                      + stopStart
                      + "'"))
          .containsEntry("lat", 1.7)
          .containsEntry("lng", 30.7);
      // The rest of the slices committed: every trip and stop of the fleet is there.
      Instant from = clock.instant().minus(PollFixture.LOOKBACK);
      Instant to = clock.instant().minus(PollFixture.SETTLE);
      assertThat(PollFixture.storedTrips(db, from, to))
          .isEqualTo(PollFixture.truthTrips(fleet, from, to));
      assertThat(PollFixture.storedStops(db, from, to))
          .isEqualTo(PollFixture.truthStops(fleet, from, to));
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.quarantine")).isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void theSameBadAlarmPushedAndPolledEndsWithTheSameReason() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(1)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    String imei = firstImei(fleet);
    String type = randomText(300, 11);
    Instant at = FakeFleet.ORIGIN.plus(Duration.ofHours(6)).plusSeconds(5);
    fleet.lateAlarms.add(new FakeFleet.Late(alarm(imei, type, at, "SOS"), FakeFleet.ORIGIN));
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    // The webhook of a second replica on the same database: the poller's fixture serves no pushes.
    Map<String, String> pushEnv = TestService.baseEnv(db);
    pushEnv.put("INSTANCE_ID", "b");
    RunningService pushSide = TestService.start(pushEnv, clock);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      JsonObject pushed =
          new JsonObject()
              .put("imei", imei)
              .put("alarmType", type)
              .put("alarmTime", at.toString())
              .put("alarmName", "SOS");
      Http.Response response =
          Http.post(
              pushSide.httpPort(),
              "/pushalarm",
              "application/x-www-form-urlencoded",
              "token="
                  + TestService.WEBHOOK_TOKEN
                  + "&data_list="
                  + URLEncoder.encode(
                      new JsonArray().add(pushed).encode(), StandardCharsets.UTF_8));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      List<Map<String, Object>> rows =
          Sql.rows(
              db, "SELECT stream, reason, detail, imei FROM tracksolid.quarantine ORDER BY stream");
      assertThat(rows)
          .extracting(r -> r.get("stream"))
          .containsExactly("poll.alarms", "webhook.pushalarm");
      assertThat(rows.get(0).get("reason")).isEqualTo("invalid_alarm_type");
      assertThat(rows.get(1).get("reason")).isEqualTo(rows.get(0).get("reason"));
      assertThat(rows.get(1).get("detail")).isEqualTo(rows.get(0).get("detail"));
      assertThat(rows.get(1).get("imei")).isEqualTo(rows.get(0).get("imei"));
    } finally {
      TestService.stop(pushSide);
      TestService.stop(service);
    }
  }

  private static String firstImei(FakeFleet fleet) {
    return fleet.devices(fleet.targets().get(0)).result().get(0).imei();
  }

  private static long truthAlarms(FakeFleet fleet, MutableClock clock) {
    Instant from = clock.instant().minus(PollFixture.LOOKBACK);
    Instant to = clock.instant().minus(PollFixture.SETTLE);
    long n = 0;
    for (String target : fleet.targets()) {
      for (var d : fleet.devices(target).result()) {
        n += fleet.alarmsTruth(d.imei(), from, to).size();
      }
    }
    return n;
  }

  private static AlarmRecord alarm(String imei, String type, Instant at, String name) {
    return new AlarmRecord(
        imei,
        type,
        at,
        name,
        null,
        "acme",
        -1.3,
        36.8,
        20.0,
        at,
        null,
        null,
        new JsonObject()
            .put("imei", imei)
            .put("alertTypeId", type)
            .put("alertTime", at.truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  private static void fix(DatabaseTarget db, String imei, Instant at, double lat, double lng) {
    Sql.exec(
        db,
        "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, source) VALUES ('"
            + imei
            + "', '"
            + at
            + "', "
            + lat
            + ", "
            + lng
            + ", 'poll')");
  }

  /** Random letters and digits: incompressible, so PostgreSQL cannot squeeze it into an index. */
  static String randomText(int length, long seed) {
    Random random = new Random(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
