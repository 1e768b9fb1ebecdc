package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.IngestionLogRows;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /health/ingest and reporting.v_ingest_health, every state driven by the injected clock. */
class IngestHealthTest {
  static final Instant INSTALLED = Instant.parse("2026-03-10T08:00:00Z");
  static final Instant AFTER_GRACE = INSTALLED.plus(Duration.ofHours(2));
  static final List<String> POLL_STREAMS =
      List.of("poll.alarms", "poll.devices", "poll.parking", "poll.positions", "poll.trips");
  static DatabaseTarget db;
  static MutableClock clock = new MutableClock(INSTALLED);
  static RunningService service;

  @BeforeAll
  static void start() {
    db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("HEALTH_GRACE", "PT30M");
    env.put("HEALTH_STALE_AFTER", "PT15M");
    env.put("HEALTH_FAILING_AFTER", "PT1H");
    env.put("HEALTH_THRESHOLDS", "poll.devices=PT3H/PT6H,webhook.*=PT20M/PT2H");
    HealthAccounts.configure(env, "acct-a", "acct-b");
    service = TestService.start(env, clock, HealthAccounts.OPS_ONLY);
    HealthAccounts.device(db, "860000000000001", "acct-a", true);
    HealthAccounts.device(db, "860000000000002", "acct-b", true);
  }

  @AfterAll
  static void stop() {
    TestService.stop(service);
  }

  @BeforeEach
  void emptyLog() {
    Sql.exec(db, "DELETE FROM tracksolid.ingestion_log");
    clock.set(AFTER_GRACE);
  }

  @Test
  void aFreshInstallIsInGraceNotFailing() {
    clock.set(INSTALLED.plus(Duration.ofMinutes(10)));
    Http.Response r = Http.get(service.httpPort(), "/health/ingest");
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getString("status")).isEqualTo("grace");
    assertThat(body.getBoolean("inGrace")).isTrue();
    Map<String, String> statuses = statuses(body);
    POLL_STREAMS.forEach(
        s ->
            assertThat(statuses)
                .containsEntry(s + "/acct-a", "grace")
                .containsEntry(s + "/acct-b", "grace"));
    assertThat(statuses)
        .containsEntry("webhook.pushgps/", "idle")
        .containsEntry("webhook.push/", "idle");
    assertThat(statuses)
        .as("5 poll streams x 2 configured accounts + 10 webhook streams")
        .hasSize(20);
  }

  @Test
  void afterGraceNothingEverPolledIsFailing() {
    Http.Response r = Http.get(service.httpPort(), "/health/ingest");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().getString("status")).isEqualTo("failing");
    assertThat(r.json().getBoolean("inGrace")).isFalse();
    assertThat(statuses(r.json()))
        .containsEntry("poll.alarms/acct-a", "failing")
        .containsEntry("webhook.pushalarm/", "idle");
  }

  @Test
  void everyRequiredStreamRecentlySuccessfulIsOk() {
    for (String s : POLL_STREAMS) {
      IngestionLogRows.insert(
          db, s, "acct-a", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofMinutes(2)), 4);
      IngestionLogRows.insert(
          db, s, "acct-a", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofMinutes(30)), 6);
      IngestionLogRows.insert(
          db, s, "acct-a", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofHours(3)), 100);
      IngestionLogRows.insert(
          db, s, "acct-b", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofMinutes(5)), 1);
    }
    Http.Response r = Http.get(service.httpPort(), "/health/ingest");
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getString("status")).isEqualTo("ok");
    JsonObject alarms = stream(body, "poll.alarms", "acct-a");
    assertThat(alarms.getString("status")).isEqualTo("ok");
    assertThat(alarms.getString("lastSuccessAt")).isEqualTo("2026-03-10T09:58:00Z");
    assertThat(alarms.getString("lastErrorAt")).isNull();
    assertThat(alarms.getLong("ageSeconds")).isEqualTo(120);
    assertThat(alarms.getLong("rowsInWindow")).as("only the last hour counts").isEqualTo(10);
    assertThat(alarms.getLong("runsInWindow")).isEqualTo(2);
    assertThat(alarms.getJsonObject("thresholds").getString("staleAfter")).isEqualTo("PT15M");
    assertThat(alarms.getJsonObject("thresholds").getString("failingAfter")).isEqualTo("PT1H");
    assertThat(
            stream(body, "poll.devices", "acct-a")
                .getJsonObject("thresholds")
                .getString("staleAfter"))
        .as("per-stream threshold from HEALTH_THRESHOLDS")
        .isEqualTo("PT3H");
    assertThat(
            stream(body, "webhook.pushgps", "")
                .getJsonObject("thresholds")
                .getString("failingAfter"))
        .as("prefix threshold")
        .isEqualTo("PT2H");
  }

  @Test
  void aRequiredStreamPastStaleAfterIsStaleThenFailing() {
    allPollStreamsOkExcept("poll.alarms");
    IngestionLogRows.insert(
        db,
        "poll.alarms",
        "acct-a",
        "scheduled",
        "ok",
        AFTER_GRACE.minus(Duration.ofMinutes(20)),
        1);
    IngestionLogRows.insert(
        db,
        "poll.alarms",
        "acct-a",
        "scheduled",
        "error",
        AFTER_GRACE.minus(Duration.ofMinutes(1)),
        0);

    Http.Response stale = Http.get(service.httpPort(), "/health/ingest");
    assertThat(stale.status()).isEqualTo(503);
    assertThat(stale.json().getString("status")).isEqualTo("stale");
    JsonObject alarms = stream(stale.json(), "poll.alarms", "acct-a");
    assertThat(alarms.getString("status")).isEqualTo("stale");
    assertThat(alarms.getString("lastErrorAt")).isEqualTo("2026-03-10T09:59:00Z");
    assertThat(alarms.getLong("ageSeconds")).isEqualTo(20 * 60);

    clock.advance(Duration.ofMinutes(45)); // last success now 65 minutes old
    Http.Response failing = Http.get(service.httpPort(), "/health/ingest");
    assertThat(failing.status()).isEqualTo(503);
    assertThat(stream(failing.json(), "poll.alarms", "acct-a").getString("status"))
        .isEqualTo("failing");
    assertThat(failing.json().getString("status")).isEqualTo("failing");
  }

  @Test
  void backfillManualAndJobRowsNeverChangeTheStatus() {
    allPollStreamsOkExcept("poll.trips");
    IngestionLogRows.insert(
        db, "poll.trips", "acct-a", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofHours(3)), 1);
    // A backfill and a manual tool succeed just now, on the same stream and account ...
    IngestionLogRows.insert(
        db,
        "poll.trips",
        "acct-a",
        "backfill",
        "ok",
        AFTER_GRACE.minus(Duration.ofMinutes(1)),
        500);
    IngestionLogRows.insert(
        db, "poll.trips", "acct-a", "manual", "ok", AFTER_GRACE.minus(Duration.ofMinutes(1)), 7);
    // ... and fail on a healthy one, plus a job row on a stream outside the allow-list.
    IngestionLogRows.insert(db, "poll.alarms", "acct-a", "backfill", "error", AFTER_GRACE, 0);
    IngestionLogRows.insert(db, "poll.alarms", "acct-a", "manual", "error", AFTER_GRACE, 0);
    IngestionLogRows.insert(db, "job.purge", "", "job", "ok", AFTER_GRACE, 0);
    IngestionLogRows.insert(db, "poll.trips", "acct-x", "backfill", "ok", AFTER_GRACE, 5);

    JsonObject body = Http.get(service.httpPort(), "/health/ingest").json();
    JsonObject trips = stream(body, "poll.trips", "acct-a");
    assertThat(trips.getString("status")).isEqualTo("failing");
    assertThat(trips.getString("lastSuccessAt")).isEqualTo("2026-03-10T07:00:00Z");
    assertThat(trips.getLong("rowsInWindow")).isZero();
    JsonObject alarms = stream(body, "poll.alarms", "acct-a");
    assertThat(alarms.getString("status")).isEqualTo("ok");
    assertThat(alarms.getString("lastErrorAt")).isNull();
    assertThat(statuses(body).keySet()).noneMatch(k -> k.startsWith("job."));
    assertThat(statuses(body).keySet())
        .as("backfill rows add no account rows")
        .filteredOn(k -> k.startsWith("poll.trips"))
        .containsExactlyInAnyOrder("poll.trips/acct-a", "poll.trips/acct-b");
  }

  @Test
  void accountsAreJudgedSeparately() {
    allPollStreamsOkExcept("none-but-b-positions");
    IngestionLogRows.insert(
        db,
        "poll.positions",
        "acct-b",
        "scheduled",
        "ok",
        AFTER_GRACE.minus(Duration.ofMinutes(40)),
        1);
    Http.Response r = Http.get(service.httpPort(), "/health/ingest");
    assertThat(r.status()).isEqualTo(503);
    Map<String, String> statuses = statuses(r.json());
    assertThat(statuses)
        .containsEntry("poll.positions/acct-a", "ok")
        .containsEntry("poll.positions/acct-b", "stale");
  }

  @Test
  void webhookStreamsAreInformationalUntilTheirLatestRequestFails() {
    allPollStreamsOkExcept("none");
    IngestionLogRows.insert(
        db, "webhook.pushgps", "", "push", "ok", AFTER_GRACE.minus(Duration.ofMinutes(5)), 3);
    IngestionLogRows.insert(
        db, "webhook.pushalarm", "", "push", "ok", AFTER_GRACE.minus(Duration.ofDays(3)), 1);
    Http.Response fine = Http.get(service.httpPort(), "/health/ingest");
    assertThat(fine.status()).isEqualTo(200);
    Map<String, String> statuses = statuses(fine.json());
    assertThat(statuses)
        .containsEntry("webhook.pushgps/", "ok")
        .as("silent for days is idle, not failing")
        .containsEntry("webhook.pushalarm/", "idle")
        .containsEntry("webhook.pushtem/", "idle");

    IngestionLogRows.insert(
        db, "webhook.pushgps", "", "push", "error", AFTER_GRACE.minus(Duration.ofMinutes(1)), 0);
    Http.Response broken = Http.get(service.httpPort(), "/health/ingest");
    assertThat(broken.status()).isEqualTo(503);
    assertThat(statuses(broken.json())).containsEntry("webhook.pushgps/", "failing");
  }

  @Test
  void analystsSeeTheSameJudgementThroughTheView() throws Exception {
    // The view judges at the database's now(); put a success just before it.
    Sql.exec(
        db,
        "INSERT INTO tracksolid.ingestion_log (stream, account, run_kind, started_at, finished_at, "
            + "duration_ms, status) VALUES ('poll.alarms', 'acct-a', 'scheduled', now(), now(), 0, 'ok'), "
            + "('poll.alarms', 'acct-a', 'backfill', now(), now(), 0, 'error')");
    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      st.execute("SET ROLE tracksolid_reader"); // analysts read reporting.* only
      try (ResultSet rs =
          st.executeQuery(
              "SELECT account, status, last_error_at FROM reporting.v_ingest_health "
                  + "WHERE stream = 'poll.alarms' AND account = 'acct-a'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("account")).isEqualTo("acct-a");
        assertThat(rs.getString("status")).isEqualTo("ok");
        assertThat(rs.getObject("last_error_at")).isNull();
        assertThat(rs.next()).isFalse();
      }
    }
    assertThat(Sql.count(db, "SELECT count(*) FROM reporting.v_ingest_health")).isEqualTo(20);
  }

  private static void allPollStreamsOkExcept(String except) {
    for (String s : POLL_STREAMS) {
      if (!s.equals(except)) {
        IngestionLogRows.insert(
            db, s, "acct-a", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofMinutes(1)), 1);
      }
      // acct-b is healthy throughout, unless a test judges its positions itself.
      if (!(s.equals("poll.positions") && except.equals("none-but-b-positions"))) {
        IngestionLogRows.insert(
            db, s, "acct-b", "scheduled", "ok", AFTER_GRACE.minus(Duration.ofMinutes(1)), 1);
      }
    }
  }

  static Map<String, String> statuses(JsonObject body) {
    JsonArray streams = body.getJsonArray("streams");
    return streams.stream()
        .map(JsonObject.class::cast)
        .collect(
            Collectors.toMap(
                o -> o.getString("stream") + "/" + o.getString("account"),
                o -> o.getString("status")));
  }

  static JsonObject stream(JsonObject body, String stream, String account) {
    return body.getJsonArray("streams").stream()
        .map(JsonObject.class::cast)
        .filter(o -> o.getString("stream").equals(stream) && o.getString("account").equals(account))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no row for " + stream + "/" + account + " in " + body));
  }
}
