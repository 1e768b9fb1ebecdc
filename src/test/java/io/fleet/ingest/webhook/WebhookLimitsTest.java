package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an unauthenticated or slow sender can make the webhook do is bounded; tokens are handled
 * with care.
 */
class WebhookLimitsTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));
  static final String PREVIOUS = "previous-webhook-token-0123456789";
  static DatabaseTarget db;
  static RunningService service;
  static int port;

  @BeforeAll
  static void start() {
    db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_MAX_BODY_BYTES", "2048");
    env.put("WEBHOOK_MAX_BYTES_IN_FLIGHT", "4096");
    env.put("WEBHOOK_MAX_ITEMS", "5");
    env.put("WEBHOOK_REQUEST_TIMEOUT", "PT1S");
    env.put("JIMI_WEBHOOK_TOKEN_PREVIOUS", PREVIOUS);
    service = TestService.start(env, CLOCK);
    port = service.httpPort();
  }

  @AfterAll
  static void stop() {
    TestService.stop(service);
  }

  static String head(String path, long length) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + length
        + "\r\n\r\n";
  }

  static String readAll(Socket socket) throws Exception {
    socket.setSoTimeout(20_000);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    for (int n; (n = in.read(buf)) > 0; ) {
      got.write(buf, 0, n);
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  @Test
  void bodiesInFlightAreCappedAndASlowSenderGets408() throws Exception {
    try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
        Socket b = new Socket(InetAddress.getLoopbackAddress(), port)) {
      // Two senders announce 2,000 bytes each and send ten: 4,000 of 4,096 bytes are now reserved.
      for (Socket s : new Socket[] {a, b}) {
        s.getOutputStream()
            .write((head("/pushgps", 2000) + "{\"data_li").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Http.Response third = null;
      for (int i = 0; i < 50 && (third == null || third.status() != 503); i++) {
        third =
            Push.json(
                port,
                "/pushgps",
                Push.TOKEN,
                new JsonArray().add(Push.gps("330000000000001", "2024-05-01 10:00:00")));
      }
      assertThat(third.status()).as(third.body()).isEqualTo(503);
      assertThat(third.json().getString("error")).isEqualTo("busy");
      assertThat(third.headers().firstValue("Retry-After")).isPresent();
      // The slow senders get 408 within WEBHOOK_REQUEST_TIMEOUT and their connections are closed.
      String answer = readAll(a);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"");
      assertThat(readAll(b)).startsWith("HTTP/1.1 408");
    }
    // Their bytes are given back: pushes are taken again.
    assertThat(
            Push.json(
                    port,
                    "/pushgps",
                    Push.TOKEN,
                    new JsonArray().add(Push.gps("330000000000002", "2024-05-01 10:00:00")))
                .status())
        .isEqualTo(200);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '330000000000002'"))
        .isEqualTo(1);
  }

  @Test
  void moreItemsThanTheLimitGet413() {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 6; i++) {
      items.add(new JsonObject().put("i", i));
    }
    Http.Response r = Push.json(port, "/pushgps", Push.TOKEN, items);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("error")).isEqualTo("too_many_items");
    assertThat(r.json().getString("message")).contains("WEBHOOK_MAX_ITEMS");
  }

  @Test
  void tokensThatDisagreeAre401AndThePreviousTokenIsAcceptedWhileRotating() {
    JsonArray items = new JsonArray().add(Push.gps("330000000000010", "2024-05-01 10:00:00"));
    String body = new JsonObject().put("token", PREVIOUS).put("data_list", items).encode();
    Http.Response disagree =
        Push.withHeader(port, "/pushgps", "X-Jimi-Token", Push.TOKEN, "application/json", body);
    assertThat(disagree.status()).isEqualTo(401);
    assertThat(disagree.json().getString("error")).isEqualTo("unauthorized");
    Http.Response twoBodyTokens =
        Http.post(
            port,
            "/pushgps",
            "application/x-www-form-urlencoded",
            "token="
                + Push.TOKEN
                + "&token="
                + PREVIOUS
                + "&data_list="
                + java.net.URLEncoder.encode(items.encode(), StandardCharsets.UTF_8));
    assertThat(twoBodyTokens.status()).isEqualTo(401);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '330000000000010'"))
        .isZero();
    assertThat(Push.json(port, "/pushgps", PREVIOUS, items).status()).isEqualTo(200);
    assertThat(
            Push.withHeader(port, "/pushgps", "X-Jimi-Token", PREVIOUS, "application/json", body)
                .status())
        .isEqualTo(200);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.position_history WHERE imei = '330000000000010'"))
        .isEqualTo(1);
  }

  @Test
  void shortOrPlaceholderTokensStopStartupNamingTheVariable() {
    for (String bad :
        new String[] {
          "short-token",
          "<webhook-token>",
          "changeme-changeme-changeme-changeme",
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        }) {
      assertThatThrownBy(
              () ->
                  AppConfig.load(
                      Map.of("JIMI_WEBHOOK_TOKEN", bad, "GEOCODE_ENABLED", "false"), false))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("JIMI_WEBHOOK_TOKEN:")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad));
    }
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of(
                        "JIMI_WEBHOOK_TOKEN",
                        Push.TOKEN,
                        "JIMI_WEBHOOK_TOKEN_PREVIOUS",
                        "old",
                        "GEOCODE_ENABLED",
                        "false"),
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("JIMI_WEBHOOK_TOKEN_PREVIOUS");
  }

  @Test
  void cleartextHttp2IsOffAndMetricsWithKnownLabelsStartAtZero() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream()
          .write(
              """
              GET /health HTTP/1.1\r
              Host: 127.0.0.1\r
              Connection: Upgrade, HTTP2-Settings\r
              Upgrade: h2c\r
              HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r
              \r
              """
                  .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.setSoTimeout(10_000);
      String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 200");
    }
    String metrics = Http.get(port, "/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "tracksolid_quarantined_total\\{reason=\"invalid_imei\",stream=\"webhook"
                + ".pushalarm\",?} 0\\.0");
    assertThat(metrics)
        .containsPattern(
            "tracksolid_webhook_items_total\\{outcome=\"dead_lettered\",path=\"pushobd\""
                + ",?} 0\\.0");
  }
}
