package io.fleet.ingest.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.tracksolid.Signer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator answers like the vendor: signatures, tokens, limits, paging and codes. */
class TracksolidSimulatorTest {
  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private final MutableClock clock = new MutableClock(NOW);
  private final Vertx vertx = Vertx.vertx();
  private final SimulatorOptions options =
      SimulatorOptions.defaults(clock)
          .withFleet(3, 20, 10, NOW.minus(Duration.ofDays(10)))
          .withTokenLifetime(Duration.ofMinutes(2));
  private final SimulatorServer server = Futures.get(SimulatorServer.start(vertx, options), 20);
  private final WebClient web = WebClient.create(vertx);

  @AfterEach
  void close() {
    Futures.get(vertx.close(), 20);
  }

  private JsonObject post(String method, Map<String, String> params, boolean sign) {
    return new JsonObject(postRaw(method, params, sign));
  }

  private String postRaw(String method, Map<String, String> params, boolean sign) {
    Map<String, String> all = new TreeMap<>(params);
    all.put("method", method);
    all.putIfAbsent("timestamp", Lenient.format(clock.instant()));
    all.put("app_key", options.appKey());
    all.put("sign_method", "md5");
    all.put("v", "1.0");
    all.put("format", "json");
    all.put(
        "sign", sign ? Signer.sign(all, options.appSecret()) : "0123456789ABCDEF0123456789ABCDEF");
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    all.forEach(form::add);
    return Futures.get(web.postAbs(server.tracksolidUrl()).sendForm(form), 20).bodyAsString();
  }

  private String token() {
    JsonObject env =
        post(
            "jimi.oauth.token.get",
            Map.of(
                "user_id",
                "demo",
                "user_pwd_md5",
                Signer.md5Hex(options.password()),
                "expires_in",
                "7200"),
            true);
    assertThat(env.getValue("code")).isEqualTo(0);
    assertThat(env.getJsonObject("result").getString("expiresIn")).isEqualTo("120");
    return env.getJsonObject("result").getString("accessToken");
  }

  private Map<String, String> with(String token, String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("access_token", token);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String code(JsonObject env) {
    return String.valueOf(env.getValue("code"));
  }

  @Test
  void badSignatureWrongPasswordAndStaleTimestampAreRefused() {
    assertThat(
            code(
                post(
                    "jimi.oauth.token.get",
                    Map.of("user_id", "demo", "user_pwd_md5", Signer.md5Hex(options.password())),
                    false)))
        .isEqualTo("1001");
    assertThat(
            code(
                post(
                    "jimi.oauth.token.get",
                    Map.of("user_id", "demo", "user_pwd_md5", Signer.md5Hex("wrong")),
                    true)))
        .isEqualTo("1002");
    String token = token();
    assertThat(code(post("jimi.user.device.list", with(token, "target", "demo"), true)))
        .isEqualTo("0");
    JsonObject stale =
        post(
            "jimi.user.device.list",
            with(
                token,
                "target",
                "demo",
                "timestamp",
                Lenient.format(clock.instant().minus(Duration.ofMinutes(11)))),
            true);
    assertThat(code(stale)).isEqualTo("1001");
    JsonObject get = Futures.get(web.getAbs(server.tracksolidUrl()).send(), 20).bodyAsJsonObject();
    assertThat(code(get)).isEqualTo("1007");
  }

  @Test
  void tokensExpireOnTheSimulatorClock() {
    String token = token();
    clock.advance(Duration.ofSeconds(119));
    assertThat(code(post("jimi.user.device.list", with(token, "target", "demo"), true)))
        .isEqualTo("0");
    clock.advance(Duration.ofSeconds(1));
    assertThat(code(post("jimi.user.device.list", with(token, "target", "demo"), true)))
        .isEqualTo("1004");
    assertThat(code(post("jimi.user.device.list", with("nonsense", "target", "demo"), true)))
        .isEqualTo("1004");
  }

  @Test
  void documentedLimitsAnswer1001() {
    String token = token();
    String imei = server.tracksolid().fleet().allDevices().get(0).imei();
    String many = String.join(",", java.util.Collections.nCopies(101, imei));
    assertThat(
            code(
                post(
                    "jimi.device.alarm.list",
                    with(
                        token,
                        "imeis",
                        many,
                        "begin_time",
                        "2026-03-09 00:00:00",
                        "end_time",
                        "2026-03-10 00:00:00"),
                    true)))
        .isEqualTo("1001");
    assertThat(
            code(
                post(
                    "jimi.device.alarm.list",
                    with(
                        token,
                        "imeis",
                        imei,
                        "begin_time",
                        "2026-01-09 00:00:00",
                        "end_time",
                        "2026-03-10 00:00:00"),
                    true)))
        .isEqualTo("1001");
    assertThat(
            code(
                post(
                    "jimi.device.alarm.list",
                    with(
                        token,
                        "imeis",
                        imei,
                        "begin_time",
                        "2026-03-09 00:00:00",
                        "end_time",
                        "2026-03-10 00:00:00",
                        "page_size",
                        "101"),
                    true)))
        .isEqualTo("1001");
    assertThat(
            code(
                post(
                    "jimi.device.track.list",
                    with(
                        token,
                        "imei",
                        imei,
                        "begin_time",
                        "2026-03-01 00:00:00",
                        "end_time",
                        "2026-03-08 00:00:01"),
                    true)))
        .isEqualTo("1001");
    assertThat(
            code(
                post(
                    "jimi.device.track.list",
                    with(
                        token,
                        "imei",
                        "000",
                        "begin_time",
                        "2026-03-01 00:00:00",
                        "end_time",
                        "2026-03-02 00:00:00"),
                    true)))
        .isEqualTo("1002");
    assertThat(
            code(
                post(
                    "jimi.open.platform.report.parking",
                    with(
                        token,
                        "account",
                        "demo",
                        "imeis",
                        imei,
                        "start_time",
                        "2026-03-01 00:00:00",
                        "end_time",
                        "2026-03-02 00:00:00",
                        "start_row",
                        "0",
                        "page_size",
                        "10",
                        "acc_type",
                        "off"),
                    true)))
        .isEqualTo("1001");
    assertThat(code(post("jimi.user.device.list", with(token, "target", "stranger"), true)))
        .isEqualTo("1002");
  }

  @Test
  void alarmPagesAndParkingRowsPageLikeTheVendor() {
    String token = token();
    var fleet = server.tracksolid().fleet();
    String imeis =
        String.join(",", fleet.allDevices().stream().map(FleetRecords.Device::imei).toList());
    Instant from = NOW.minus(Duration.ofDays(5));
    int truth = fleet.alarms(from, NOW).size();
    assertThat(truth).isGreaterThan(30);
    int seen = 0;
    for (int page = 1; ; page++) {
      JsonObject env =
          post(
              "jimi.device.alarm.list",
              with(
                  token,
                  "imeis",
                  imeis,
                  "begin_time",
                  Lenient.format(from),
                  "end_time",
                  Lenient.format(NOW),
                  "page_no",
                  Integer.toString(page),
                  "page_size",
                  "30"),
              true);
      int n = env.getJsonArray("result").size();
      seen += n;
      if (n < 30) {
        break;
      }
    }
    assertThat(seen).isEqualTo(Math.min(truth, 1000));

    JsonObject parking =
        post(
            "jimi.open.platform.report.parking",
            with(
                token,
                "account",
                "demo",
                "imeis",
                imeis,
                "start_time",
                Lenient.format(from),
                "end_time",
                Lenient.format(NOW),
                "start_row",
                "1",
                "page_size",
                "7",
                "acc_type",
                "on"),
            true);
    JsonObject data = parking.getJsonObject("data");
    assertThat(data.getInteger("dataTotalRows")).isEqualTo(fleet.stops("on", from, NOW).size());
    assertThat(data.getJsonArray("rows")).hasSize(7);
    assertThat(data.getJsonArray("rows").getJsonObject(0).getString("startTime")).endsWith(".000Z");
  }

  @Test
  void garbageTimestampFaultAddsTwoOutOfRangeRows() {
    String token = token();
    var fleet = server.tracksolid().fleet();
    String imei = fleet.allDevices().get(0).imei();
    Instant from = NOW.minus(Duration.ofDays(5));
    server.tracksolid().faults().inject("jimi.device.alarm.list", Fault.garbageTimestamps(), 1);
    JsonObject env =
        post(
            "jimi.device.alarm.list",
            with(
                token,
                "imeis",
                imei,
                "begin_time",
                Lenient.format(from),
                "end_time",
                Lenient.format(NOW),
                "page_size",
                "100"),
            true);
    int truth = fleet.alarms(java.util.Set.of(imei), from, NOW).size();
    assertThat(env.getJsonArray("result")).hasSize(truth + 2);
    assertThat(env.getJsonArray("result").getJsonObject(truth).getString("alertTime"))
        .startsWith("2019");
    assertThat(env.getJsonArray("result").getJsonObject(truth + 1).getString("alertTime"))
        .startsWith("2099");
  }

  @Test
  void vendorGarbageCrossesTheWireAsJsonAndStopsWhenTurnedOff() {
    String token = token();
    var fleet = server.tracksolid().fleet();
    String imeis =
        String.join(",", fleet.allDevices().stream().map(FleetRecords.Device::imei).toList());
    Map<String, String> page =
        with(
            token,
            "imeis",
            imeis,
            "begin_time",
            Lenient.format(NOW.minus(Duration.ofDays(5))),
            "end_time",
            Lenient.format(NOW),
            "page_size",
            "100");
    String clean = postRaw("jimi.device.alarm.list", page, true);
    server.tracksolid().faults().garbage(VendorGarbage.of(1, 1.0, "alarms"));
    String body = postRaw("jimi.device.alarm.list", page, true);
    JsonObject env = new JsonObject(body);
    assertThat(env.getValue("code")).isEqualTo(0);
    // NUL and lone surrogates travel as JSON escapes; big integers as bare numbers.
    assertThat(body)
        .contains("\\u0000")
        .containsPattern("\\\\ud[89a-f][0-9a-f]{2}")
        .containsPattern(":9223372036854775808\\d{3}[,}]")
        .containsPattern(":(2147483648|429496729[67])[,}]");
    assertThat(env.getJsonArray("result").encode())
        .isNotEqualTo(new JsonObject(clean).getJsonArray("result").encode());
    ServedRows truth = server.tracksolid().servedRows();
    assertThat(truth.mutated("jimi.device.alarm.list")).isNotEmpty();
    assertThat(truth.rows("jimi.device.alarm.list").stream().mapToInt(ServedRows.Row::served).sum())
        .isEqualTo(env.getJsonArray("result").size());

    server.tracksolid().faults().garbage(VendorGarbage.none());
    assertThat(postRaw("jimi.device.alarm.list", page, true)).isEqualTo(clean);
  }

  @Test
  void sameSeedSameFleet() {
    SyntheticFleet again = new SyntheticFleet(options);
    assertThat(again.alarms(NOW.minus(Duration.ofDays(10)), NOW))
        .isEqualTo(server.tracksolid().fleet().alarms(NOW.minus(Duration.ofDays(10)), NOW));
    assertThat(again.trips(NOW.minus(Duration.ofDays(10)), NOW)).isNotEmpty();
  }
}
