package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The four ways a careless or hostile sender broke the webhook, each replayed against the real
 * service on a real PostgreSQL: a push PostgreSQL refuses, a body that cannot be decoded, values
 * out of every range, and methods made up to grow the metrics.
 */
class WebhookHostileInputTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));
  static DatabaseTarget db;
  static RunningService service;
  static int port;
  static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @BeforeAll
  static void start() {
    db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_SPOOL_REPLAY_INTERVAL", "PT0.2S");
    service = TestService.start(env, CLOCK);
    port = service.httpPort();
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    TestService.stop(service);
  }

  @BeforeEach
  void clearLogs() {
    LOGS.list.clear();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static void assertJsonError(Http.Response r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("json"));
    assertThat(r.json().getString("error")).isNotBlank();
    assertThat(r.json().getString("message")).isNotBlank();
  }

  static List<String> logLines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(LOGS.list)) {
      lines.add(
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    return lines;
  }

  static Http.Response raw(String path, String contentType, byte[] body) {
    return Http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static long positions(String imei) {
    return Sql.count(
        db, "SELECT count(*) FROM tracksolid.position_history WHERE imei = '" + imei + "'");
  }

  // Observation 1: one bad push stalled every push after it.
  @Test
  void anOversizedImeiIsQuarantinedAndThePushesAfterItLand() {
    String huge = "8".repeat(3000);
    Http.Response bad =
        Push.form(
            port,
            "/pushgps",
            Push.TOKEN,
            new JsonArray()
                .add(Push.gps(huge, "2024-05-01 10:00:00"))
                .add(Push.gps("300000000000001", "2024-05-01 10:00:00")));
    assertThat(bad.status()).as(bad.body()).isEqualTo(200);
    Http.Response alarm =
        Push.json(
            port,
            "/pushalarm",
            Push.TOKEN,
            new JsonArray()
                .add(
                    Push.alarm("300000000000002", "2024-05-01 10:00:00")
                        .put("alarmType", "x".repeat(3000))));
    assertThat(alarm.status()).as(alarm.body()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(
              Push.form(
                      port,
                      "/pushgps",
                      Push.TOKEN,
                      new JsonArray()
                          .add(Push.gps("300000000000003", "2024-05-01 10:0" + i + ":00")))
                  .status())
          .isEqualTo(200);
    }
    // Stored at once, not queued behind the bad push.
    assertThat(positions("300000000000001")).isEqualTo(1);
    assertThat(positions("300000000000003")).isEqualTo(3);
    assertThat(
            Sql.rows(
                db,
                "SELECT reason FROM tracksolid.quarantine WHERE stream IN ('webhook.pushgps', "
                    + "'webhook.pushalarm') AND reason IN ('invalid_imei', 'invalid_alarm_type') ORDER BY reason"))
        .containsExactly(Map.of("reason", "invalid_alarm_type"), Map.of("reason", "invalid_imei"));
    assertThat(WebhookDurabilityTest.spoolDepth(service)).isZero();
    assertThat(Http.get(port, "/health").json().getJsonObject("webhook").getLong("spooledRequests"))
        .isZero();
  }

  @Test
  void twoItemsApartBelowAMicrosecondAreOneRow() {
    JsonArray items =
        new JsonArray()
            .add(Push.gps("300000000000010", "2024-05-01T10:00:00.0000001Z"))
            .add(Push.gps("300000000000010", "2024-05-01T10:00:00.0000002Z"));
    assertThat(Push.json(port, "/pushgps", Push.TOKEN, items).status()).isEqualTo(200);
    assertThat(positions("300000000000010")).isEqualTo(1);
    assertThat(WebhookDurabilityTest.spoolDepth(service)).isZero();
  }

  @Test
  void pushesUpsertingTheSameKeysInOppositeOrderAllLand() throws Exception {
    JsonArray forward = new JsonArray();
    for (int i = 0; i < 40; i++) {
      forward.add(Push.gps("30000000000002" + (i % 4), String.format("2024-05-01 11:%02d:00", i)));
    }
    JsonArray backward = new JsonArray();
    for (int i = forward.size() - 1; i >= 0; i--) {
      backward.add(forward.getJsonObject(i).copy().put("gpsSpeed", "7"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        JsonArray items = i % 2 == 0 ? forward : backward;
        answers.add(pool.submit(() -> Push.json(port, "/pushgps", Push.TOKEN, items)));
      }
      for (Future<Http.Response> a : answers) {
        assertThat(a.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei LIKE '30000000000002%'"))
        .isEqualTo(40);
    assertThat(WebhookDurabilityTest.spoolDepth(service)).isZero();
  }

  // Observation 2: no answer at all, and the body in the log.
  @Test
  void aMalformedEscapeOrRawBinaryGets400WithoutEchoOrLog() {
    String items = new JsonArray().add(Push.gps("300000000000030", "2024-05-01 10:00:00")).encode();
    Http.Response note =
        Http.post(
            port,
            "/pushgps",
            "application/x-www-form-urlencoded",
            "token=" + enc(Push.TOKEN) + "&note=100%&data_list=" + enc(items));
    assertJsonError(note, 400);
    assertThat(note.body()).doesNotContain("100%").doesNotContain(Push.TOKEN);

    byte[] binary = new byte[512];
    new Random(7).nextBytes(binary);
    // Without a readable token the sender learns only that it is not authorised; with one, what is
    // wrong.
    assertJsonError(raw("/pushgps", "application/x-www-form-urlencoded", binary), 401);
    assertJsonError(raw("/pushgps", "application/json", binary), 401);
    assertJsonError(
        raw("/pushgps?token=" + enc(Push.TOKEN), "application/x-www-form-urlencoded", binary), 400);
    assertJsonError(raw("/pushgps?token=" + enc(Push.TOKEN), "application/json", binary), 400);

    String query =
        rawExchange(
            "POST",
            "/pushgps?x=%",
            "application/x-www-form-urlencoded",
            "token=" + enc(Push.TOKEN) + "&data_list=" + enc(items));
    assertThat(query)
        .startsWith("HTTP/1.1 400")
        .contains("application/json")
        .contains("\"error\":\"bad_query\"");
    assertThat(query.substring(query.indexOf("\r\n\r\n"))).doesNotContain("x=%");

    // A semicolon is an ordinary character of a form value, not a separator.
    Http.Response semi =
        Http.post(
            port,
            "/pushgps",
            "application/x-www-form-urlencoded",
            "token=" + enc(Push.TOKEN) + "&note=a;b&data_list=" + enc(items));
    assertThat(semi.status()).as(semi.body()).isEqualTo(200);
    assertThat(positions("300000000000030")).isEqualTo(1);

    assertThat(logLines())
        .noneMatch(
            l ->
                l.contains(Push.TOKEN)
                    || l.contains("100%")
                    || l.contains("x=%")
                    || l.contains("300000000000030"));
  }

  // Observation 3: 500 or 503 for the whole push.
  @Test
  void outOfRangeTimesAreQuarantinedNotA500() {
    JsonArray items =
        new JsonArray()
            .add(
                Push.gps("300000000000040", "2024-05-01 10:00:00")
                    .put("gpsTime", -9_000_000_000_000_000_000.0))
            .add(Push.gps("300000000000041", "2024-05-01 10:00:00").put("gpsTime", Long.MIN_VALUE))
            .add(
                Push.gps("300000000000042", "2024-05-01 10:00:00")
                    .put("gpsTime", "+999999999-12-31T23:59:59Z"))
            .add(Push.gps("300000000000043", "2024-05-01 10:00:00"));
    Http.Response r = Push.json(port, "/pushgps", Push.TOKEN, items);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Http.Response alarm =
        Push.json(
            port,
            "/pushalarm",
            Push.TOKEN,
            new JsonArray()
                .add(
                    Push.alarm("300000000000044", "2024-05-01 10:00:00")
                        .put("positioningTime", "99999-01-01 00:00:00")));
    assertThat(alarm.status()).as(alarm.body()).isEqualTo(200);
    assertThat(positions("300000000000043")).isEqualTo(1);
    assertThat(
            Sql.count(db, "SELECT count(*) FROM tracksolid.alarms WHERE imei = '300000000000044'"))
        .isEqualTo(1);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.quarantine WHERE imei IN ('300000000000040', "
                    + "'300000000000041', '300000000000042')"))
        .isEqualTo(3);
    assertThat(logLines()).noneMatch(l -> l.contains("DateTimeException"));
  }

  @Test
  void aFormBodyNested1000LevelsDeepGets400() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    Http.Response form =
        Http.post(
            port,
            "/pushgps",
            "application/x-www-form-urlencoded",
            "token=" + enc(Push.TOKEN) + "&data_list=" + enc(deep));
    assertJsonError(form, 400);
    assertThat(form.json().getString("error")).isEqualTo("nesting_too_deep");
    Http.Response json =
        Http.post(
            port,
            "/pushgps",
            "application/json",
            "{\"token\":\""
                + Push.TOKEN
                + "\",\"data_list\":["
                + "{\"a\":[".repeat(600)
                + "]}".repeat(600)
                + "]}");
    assertJsonError(json, 400);
    assertThat(WebhookDurabilityTest.spoolDepth(service)).isZero();
  }

  // Observation 4: unbounded metrics from unauthenticated requests.
  @Test
  void randomMethodsAndPathsDoNotGrowTheMetrics() {
    Random random = new Random(42);
    // Every kind of answer once (404 and 405 for made-up methods, the scrape itself), then the
    // count must stay.
    rawRequest(randomMethod(random), "/pushgps");
    rawRequest(randomMethod(random), "/" + Long.toHexString(random.nextLong()));
    httpSeries();
    List<String> before = httpSeries();
    for (int i = 0; i < 1000; i++) {
      String path =
          random.nextBoolean() ? "/pushgps" : "/" + Long.toHexString(random.nextLong()) + "/x";
      rawRequest(randomMethod(random), path);
    }
    List<String> after = httpSeries();
    assertThat(after).hasSize(before.size());
    assertThat(String.join("\n", after)).contains("method=\"OTHER\"").doesNotContain("/x\"");
  }

  static String randomMethod(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6 + random.nextInt(6); i++) {
      s.append((char) ('A' + random.nextInt(26)));
    }
    return s.toString();
  }

  /** The vertx_http_server_* series of a scrape, without values. */
  static List<String> httpSeries() {
    List<String> series = new ArrayList<>();
    for (String line : Http.get(port, "/metrics").body().split("\n", -1)) {
      if (line.startsWith("vertx_http_server")) {
        series.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return series;
  }

  /** One request with any method, on its own connection; the status, or -1 when unanswered. */
  static int rawRequest(String method, String path) {
    String response = rawExchange(method, path, null, "");
    return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
  }

  /**
   * One request written as it is (no client validates the URI), on its own connection; the whole
   * response.
   */
  static String rawExchange(String method, String path, String contentType, String body) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                  + "Content-Length: "
                  + bytes.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) > 0; ) {
        got.write(buf, 0, n);
      }
      return got.toString(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
