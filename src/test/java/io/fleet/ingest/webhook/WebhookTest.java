package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.AlarmWriter;
import io.fleet.ingest.store.Source;
import io.fleet.ingest.store.WriteResult;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The push receiver end to end: real service, real PostgreSQL, requests as Jimi sends them. */
class WebhookTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));
  static DatabaseTarget db;
  static RunningService service;
  static int port;

  @BeforeAll
  static void start() {
    db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_MAX_BODY_BYTES", "4096");
    service = TestService.start(env, CLOCK);
    port = service.httpPort();
  }

  @AfterAll
  static void stop() {
    TestService.stop(service);
  }

  static void assertSuccess(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(new JsonObject().put("code", 0).put("msg", "success"));
  }

  @Test
  void gpsFormAndJsonLandInPositionHistory() {
    assertSuccess(
        Push.form(
            port,
            "/pushgps",
            Push.TOKEN,
            new JsonArray()
                .add(Push.gps("100000000000001", "2024-05-01 09:15:00"))
                .add(Push.gps("100000000000001", "2024-05-01 09:15:30"))));
    assertSuccess(
        Push.json(
            port,
            "/pushgps",
            Push.TOKEN,
            new JsonArray().add(Push.gps("100000000000002", "2024-05-01 09:16:00"))));
    assertThat(
            Sql.one(
                db,
                "SELECT lat, lng, speed_kmh, direction, satellites, acc, source, pos_type "
                    + "FROM tracksolid.position_history WHERE imei = '100000000000002'"))
        .containsEntry("lat", -1.2864)
        .containsEntry("lng", 36.8172)
        .containsEntry("speed_kmh", 42.0)
        .containsEntry("direction", 180)
        .containsEntry("satellites", 11)
        .containsEntry("acc", true)
        .containsEntry("source", "push")
        .containsEntry("pos_type", "GPS");
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '100000000000001'"))
        .isEqualTo(2);
    assertThat(
            Sql.rows(
                db,
                "SELECT rows_fetched, rows_inserted, run_kind FROM tracksolid.ingestion_log "
                    + "WHERE stream = 'webhook.pushgps' ORDER BY id"))
        .containsExactly(
            Map.of("rows_fetched", 2, "rows_inserted", 2, "run_kind", "push"),
            Map.of("rows_fetched", 1, "rows_inserted", 1, "run_kind", "push"));
  }

  @Test
  void openApiAlarmAsFormWithJsonStringAndAsJsonValue() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("msgType", "jimi.push.device.alarm");
    form.put("data", Push.alarm("200000000000001", "2024-05-01 09:15:00").encode());
    assertSuccess(
        Push.withHeader(
            port,
            "/push",
            "X-Jimi-Token",
            Push.TOKEN,
            "application/x-www-form-urlencoded",
            Push.form(form)));
    JsonObject body =
        new JsonObject()
            .put("msgType", "jimi.push.device.alarm")
            .put("data", Push.alarm("200000000000002", "2024-05-01 09:15:00"));
    assertSuccess(
        Push.withHeader(
            port,
            "/push",
            "Authorization",
            "Bearer " + Push.TOKEN,
            "application/json; charset=utf-8",
            body.encode()));
    assertThat(
            Sql.one(
                db,
                "SELECT alarm_type, alarm_name, device_name, lat, first_source, seen_by_push "
                    + "FROM tracksolid.alarms WHERE imei = '200000000000001' AND alarm_time = '2024-05-01 09:15:00+00'"))
        .containsEntry("alarm_type", "2")
        .containsEntry("alarm_name", "Power cut off alert")
        .containsEntry("device_name", "TRUCK-07")
        .containsEntry("lat", -1.2864)
        .containsEntry("first_source", "push")
        .containsEntry("seen_by_push", true);
    assertThat(
            Sql.count(db, "SELECT count(*) FROM tracksolid.alarms WHERE imei = '200000000000002'"))
        .isEqualTo(1);
    assertThat(
            Sql.count(
                db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'webhook.push'"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void iotHubAlarmShapeOnPushalarmAsJsonAndForm() {
    JsonObject hub =
        new JsonObject()
            .put("msgClass", 1)
            .put("gateTime", "2024-05-01 10:00:01")
            .put(
                "msg",
                new JsonObject()
                    .put("deviceImei", "300000000000001")
                    .put("alertType", "SOS")
                    .put("alarmTime", "2024-05-01 10:00:00")
                    .put("lat", -1.3)
                    .put("lng", 36.7)
                    .put("gpsSpeed", 5));
    assertSuccess(Push.json(port, "/pushalarm", Push.TOKEN, new JsonArray().add(hub)));
    JsonObject flat = Push.alarm("300000000000002", "2024-05-01 10:00:00");
    assertSuccess(Push.form(port, "/pushalarm", Push.TOKEN, new JsonArray().add(flat)));
    assertThat(
            Sql.one(
                db,
                "SELECT alarm_type, speed_kmh, lat FROM tracksolid.alarms WHERE imei = '300000000000001'"))
        .containsEntry("alarm_type", "SOS")
        .containsEntry("speed_kmh", 5.0)
        .containsEntry("lat", -1.3);
    assertThat(
            Sql.count(db, "SELECT count(*) FROM tracksolid.alarms WHERE imei = '300000000000002'"))
        .isEqualTo(1);
  }

  @Test
  void untypedPathsAreKeptRawAndLbsWithCoordinatesIsAPosition() {
    String[] raw = {"/pushevent", "/pushhb", "/pushobd", "/pushtripreport", "/pushoil", "/pushtem"};
    for (String path : raw) {
      JsonObject item =
          new JsonObject()
              .put("deviceImei", "400000000000001")
              .put("gateTime", "2024-05-01 11:00:00")
              .put("path", path);
      assertSuccess(Push.form(port, path, Push.TOKEN, new JsonArray().add(item)));
      assertSuccess(
          Push.json(port, path, Push.TOKEN, new JsonArray().add(item.copy().put("json", true))));
    }
    for (String path : raw) {
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.push_messages WHERE msg_type = '"
                      + path.substring(1)
                      + "' AND imei = '400000000000001' AND event_time = '2024-05-01 11:00:00+00'"))
          .as(path)
          .isEqualTo(2);
    }
    assertSuccess(
        Push.form(
            port,
            "/pushlbs",
            Push.TOKEN,
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("deviceImei", "400000000000002")
                        .put("gateTime", "2024-05-01 11:00:00")
                        .put("mcc", 639)
                        .put("lac", 1)
                        .put("cellId", 2))
                .add(
                    new JsonObject()
                        .put("deviceImei", "400000000000002")
                        .put("gpsTime", "2024-05-01 11:05:00")
                        .put("lat", "-1.1")
                        .put("lng", "36.9"))));
    assertThat(
            Sql.count(
                db, "SELECT count(*) FROM tracksolid.push_messages WHERE imei = '400000000000002'"))
        .isEqualTo(1);
    assertThat(
            Sql.one(
                db,
                "SELECT pos_type FROM tracksolid.position_history WHERE imei = '400000000000002'"))
        .containsEntry("pos_type", "LBS");
  }

  @Test
  void wrongOrMissingTokenIs401WithJsonAndStoresNothing() {
    JsonArray items = new JsonArray().add(Push.gps("500000000000001", "2024-05-01 09:15:00"));
    for (Http.Response r :
        new Http.Response[] {
          Push.form(port, "/pushgps", null, items),
          Push.form(port, "/pushgps", "wrong", items),
          Push.json(port, "/pushgps", "test-webhook-token-", items),
          Push.json(port, "/pushgps", "", items)
        }) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().getString("error")).isEqualTo("unauthorized");
      assertThat(r.json().getString("message")).contains("token");
    }
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '500000000000001'"))
        .isZero();
    assertSuccess(Push.form(port, "/pushgps?token=" + Push.TOKEN, null, items));
  }

  @Test
  void aWrongHeaderOrQueryTokenIsRefusedBeforeTheBodyIsRead() throws Exception {
    // The client announces a body and never sends it: only a check made before reading can answer.
    for (String[] request :
        new String[][] {
          {"/pushgps", "X-Jimi-Token: wrong\r\n"},
          {"/pushgps?token=wrong", ""},
          {"/pushalarm", "Authorization: Bearer wrong\r\n"}
        }) {
      try (java.net.Socket socket =
          new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(30_000);
        String head =
            "POST "
                + request[0]
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2000\r\n"
                + request[1]
                + "\r\n{\"data_list\": [";
        socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String response =
            new String(
                socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(response).as(request[0]).isEqualTo("HTTP/1.1 401");
      }
    }
    // A right header token still lets the body's own (absent) token pass.
    assertSuccess(
        Push.withHeader(
            port,
            "/pushgps",
            "X-Jimi-Token",
            Push.TOKEN,
            "application/json",
            new JsonObject()
                .put(
                    "data_list",
                    new JsonArray().add(Push.gps("100000000000079", "2024-05-01 09:15:00")))
                .encode()));
  }

  @Test
  void contentTypeSizeAndUnusableRequests() {
    Http.Response text = Http.post(port, "/pushgps", "text/plain", "token=x");
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.json().getString("error")).isEqualTo("unsupported_media_type");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 60; i++) {
      many.add(Push.gps("600000000000001", "2024-05-01 09:15:" + String.format("%02d", i)));
    }
    Http.Response big = Push.json(port, "/pushgps", Push.TOKEN, many);
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.json().getString("error")).isEqualTo("payload_too_large");

    Http.Response notJson =
        Http.post(port, "/pushgps", "application/json", "{\"token\":\"wrong\",");
    assertThat(notJson.status())
        .isEqualTo(401); // no valid token: never tell an unknown sender more
    Http.Response brokenAfterToken =
        Http.post(port, "/pushgps", "application/json", "{\"token\":\"" + Push.TOKEN + "\",");
    assertThat(brokenAfterToken.status()).isEqualTo(400); // the token was readable and right
    Http.Response badJson =
        Push.withHeader(port, "/pushgps", "X-Jimi-Token", Push.TOKEN, "application/json", "{,");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.json().getString("message")).contains("not valid JSON");
    Http.Response noList =
        Http.post(port, "/pushgps", "application/x-www-form-urlencoded", "token=" + Push.TOKEN);
    assertThat(noList.status()).isEqualTo(400);
    assertThat(noList.json().getString("message")).contains("data_list");
    Http.Response noType =
        Http.post(
            port,
            "/push",
            "application/x-www-form-urlencoded",
            "token=" + Push.TOKEN + "&data=%7B%7D");
    assertThat(noType.status()).isEqualTo(400);
    assertThat(noType.json().getString("message")).contains("msgType");
  }

  @Test
  void ancientFutureAndBrokenItemsAreQuarantinedWithReasonsWhileGoodOnesLand() {
    JsonArray items =
        new JsonArray()
            .add(Push.gps("700000000000001", "1970-01-01 00:00:00"))
            .add(Push.gps("700000000000001", "2024-05-09 00:00:00")) // a week after the clock
            .add(Push.gps("700000000000001", "2024-05-01 12:00:00")) // fine
            .add(Push.gps("700000000000001", "yesterday"))
            .add(Push.gps("700000000000001", "2024-05-01 12:01:00").put("lat", 123))
            .add(new JsonObject().put("gpsTime", "2024-05-01 12:02:00"))
            .add(42);
    assertSuccess(Push.form(port, "/pushgps", Push.TOKEN, items));
    assertThat(
            Sql.rows(
                    db,
                    "SELECT reason FROM tracksolid.quarantine WHERE stream = 'webhook.pushgps' ORDER BY reason")
                .stream()
                .map(r -> r.get("reason"))
                .toList())
        .containsExactly(
            "bad_coordinates",
            "before_epoch",
            "missing_imei",
            "not_an_object",
            "too_far_in_future",
            "unparseable_time");
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '700000000000001'"))
        .isEqualTo(1);
    assertThat(
            Sql.one(db, "SELECT detail FROM tracksolid.quarantine WHERE reason = 'before_epoch'")
                .get("detail"))
        .asString()
        .contains("EVENT_EPOCH");
    assertSuccess(Push.form(port, "/pushgps", Push.TOKEN, items)); // redelivered: quarantined once
    assertThat(
            Sql.count(
                db, "SELECT count(*) FROM tracksolid.quarantine WHERE stream = 'webhook.pushgps'"))
        .isEqualTo(6);
    assertThat(
            service
                .context()
                .registry()
                .get("tracksolid.quarantined")
                .tag("stream", "webhook.pushgps")
                .tag("reason", "before_epoch")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            service
                .context()
                .registry()
                .get("tracksolid.webhook.items")
                .tag("path", "pushgps")
                .tag("outcome", "quarantined")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(12.0);
  }

  @Test
  void aNulInOneItemQuarantinesThatItemAndKeepsTheGoodOne() {
    JsonObject bad =
        Push.gps("100000000000077", "2024-05-01 09:15:00")
            .put("gpsTime", "2024-05-01\u000009:15:00");
    JsonArray items =
        new JsonArray().add(Push.gps("100000000000076", "2024-05-01 09:15:00")).add(bad);
    bad.remove("gateTime");
    assertSuccess(Push.json(port, "/pushlbs", Push.TOKEN, items));
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '100000000000076'"))
        .isEqualTo(1);
    assertThat(
            Sql.one(
                db,
                "SELECT reason, detail FROM tracksolid.quarantine WHERE imei = '100000000000077'"))
        .containsEntry("reason", "unparseable_time")
        .containsEntry("detail", "cannot read time '2024-05-0109:15:00'");
    // And a msgType with a NUL on an untyped path is kept raw, not a 500.
    Map<String, String> form = new LinkedHashMap<>();
    form.put("msgType", "jimi.push.odd\u0000type");
    form.put("data", new JsonObject().put("imei", "100000000000078").put("x", 1).encode());
    form.put("token", Push.TOKEN);
    assertSuccess(Http.post(port, "/push", "application/x-www-form-urlencoded", Push.form(form)));
    assertThat(
            Sql.count(
                db, "SELECT count(*) FROM tracksolid.push_messages WHERE imei = '100000000000078'"))
        .isEqualTo(1);
  }

  @Test
  void duplicateDeliveryIsOneRowAndAPollOfThePushedAlarmIsTheSameRow() {
    JsonArray items =
        new JsonArray()
            .add(Push.alarm("800000000000001", "2024-05-01 07:41:12").put("alarmType", "6"));
    assertSuccess(Push.form(port, "/pushalarm", Push.TOKEN, items));
    assertSuccess(Push.form(port, "/pushalarm", Push.TOKEN, items));
    assertSuccess(Push.json(port, "/pushalarm", Push.TOKEN, items));
    assertThat(
            Sql.count(db, "SELECT count(*) FROM tracksolid.alarms WHERE imei = '800000000000001'"))
        .isEqualTo(1);

    // The poller's view of the same alarm (alertTypeId "6", alertTime 07:41:12) through the shared
    // writer.
    AlarmRecord polled =
        new AlarmRecord(
            "800000000000001",
            "6",
            Instant.parse("2024-05-01T07:41:12Z"),
            "Overspeed alert(terminal)",
            "TRUCK-07",
            "demo_user",
            -1.286389,
            36.817223,
            97.0,
            Instant.parse("2024-05-01T07:41:10Z"),
            null,
            null,
            new JsonObject().put("alertTypeId", "6"));
    WriteResult result =
        TestService.Futures.get(
            new AlarmWriter()
                .write(service.context().pool(), java.util.List.of(polled), Source.POLL),
            10);
    assertThat(result).isEqualTo(new WriteResult(0, 1, 0));
    assertThat(
            Sql.one(
                db,
                "SELECT count(*) OVER () AS n, first_source, seen_by_push, seen_by_poll, account, "
                    + "position_time IS NOT NULL AS has_position_time FROM tracksolid.alarms WHERE imei = '800000000000001'"))
        .containsEntry("n", 1L)
        .containsEntry("first_source", "push")
        .containsEntry("seen_by_push", true)
        .containsEntry("seen_by_poll", true)
        .containsEntry("account", "demo_user")
        .containsEntry("has_position_time", true);
  }

  @Test
  void aSpoolNoLargerThanTheLargestBodyStopsStartupNamingTheVariable() {
    Map<String, String> env =
        Map.of(
            "JIMI_WEBHOOK_TOKEN",
            "config-test-token-0123456789abcdef",
            "GEOCODE_ENABLED",
            "false",
            "WEBHOOK_MAX_BODY_BYTES",
            "1048576",
            "WEBHOOK_SPOOL_MAX_BYTES",
            "1048576");
    assertThatThrownBy(() -> AppConfig.load(env, false))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .anyMatch(
                        p ->
                            p.startsWith("WEBHOOK_SPOOL_MAX_BYTES:")
                                && p.contains("WEBHOOK_MAX_BODY_BYTES")));
    Map<String, String> ok = new java.util.HashMap<>(env);
    ok.put("WEBHOOK_SPOOL_MAX_BYTES", "1048577");
    assertThat(AppConfig.load(ok, false).webhook().spoolMaxBytes()).isEqualTo(1048577);
  }

  @Test
  void anEmptyTokenStopsStartupNamingTheVariableUnlessOpenIsExplicit() {
    assertThatThrownBy(() -> AppConfig.load(Map.of(), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("JIMI_WEBHOOK_TOKEN")
        .hasMessageContaining("WEBHOOK_REQUIRE_TOKEN");
    assertThatThrownBy(() -> AppConfig.load(Map.of("JIMI_WEBHOOK_TOKEN", "  "), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("JIMI_WEBHOOK_TOKEN");
    assertThat(
            AppConfig.load(
                    Map.of("WEBHOOK_REQUIRE_TOKEN", "false", "GEOCODE_ENABLED", "false"), false)
                .webhook()
                .token())
        .isEmpty();
    assertThat(AppConfig.load(Map.of(), true).webhook().token())
        .as("demo generates one at start")
        .isEmpty();
    assertThat(
            AppConfig.load(
                    Map.of(
                        "JIMI_WEBHOOK_TOKEN",
                        "s3cret-s3cret-s3cret-s3cret",
                        "GEOCODE_ENABLED",
                        "false"),
                    false)
                .webhook()
                .toString())
        .doesNotContain("s3cret-s3cret");
  }
}
