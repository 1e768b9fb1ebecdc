package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole service against the simulators: one scheduled poll of each endpoint (the intervals are
 * an hour, so none runs twice), then one push, then a scrape of /metrics. Every domain value that
 * follows from what happened is checked against its ground truth: the database, the simulator's own
 * call count, the push we sent.
 */
class DomainMetricsScrapeTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Duration SETTLE = Duration.ofMinutes(5);
  static final String PUSH_IMEI = "990000000000001";
  static final String ALARM_LIST = "jimi.device.alarm.list";
  static final List<String> POLL_STREAMS =
      List.of("poll.alarms", "poll.trips", "poll.parking", "poll.devices", "poll.positions");

  Vertx simVertx;
  SimulatorServer sim;
  MutableClock clock;

  @BeforeEach
  void simulators() {
    clock = new MutableClock(NOW);
    simVertx = Vertx.vertx();
    SimulatorOptions options =
        SimulatorOptions.defaults(clock).withFleet(7L, 5, 40, NOW.minus(Duration.ofDays(36)));
    NominatimSimulator nominatim =
        new NominatimSimulator(NominatimSimulator.Options.defaults().withRate(1000));
    sim = Futures.get(SimulatorServer.start(simVertx, options, List.of(nominatim::mount)), 20);
  }

  @AfterEach
  void close() {
    Futures.get(simVertx.close(), 20);
  }

  private Map<String, String> env(DatabaseTarget db) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("INSTANCE_ID", "scrape");
    for (String ep : List.of("ALARMS", "TRIPS", "PARKING", "POSITIONS", "DEVICES")) {
      env.put("POLL_INTERVAL_" + ep, "PT1H");
    }
    env.put("POLL_LOOKBACK", "P2D");
    env.put("POLL_SETTLE", SETTLE.toString());
    env.put("POLL_SLICE", "P1D");
    env.put("POLL_GEOCODE_WAIT", "PT0.1S");
    env.put("GEOCODE_ENABLED", "true");
    env.put("GEOCODE_BACKFILL_INTERVAL", "PT1H");
    return DemoEnvironment.overlay(env, sim);
  }

  @Test
  void aScrapeAfterOnePollAndOnePushShowsTheDomainMetricsWithTheRightValues() {
    DatabaseTarget db = TestDatabases.fresh();
    RunningService service = TestService.start(env(db), clock);
    try {
      // Each poller runs once (hourly intervals). They are done when the windowed checkpoints are
      // committed and the post-commit meters have caught up with the runs' own log; nothing polls
      // after.
      Instant caughtUp = NOW.minus(SETTLE);
      Waits.until(
          "one run of every poller complete",
          () -> {
            if (Stream.of("alarms", "trips", "parking")
                .anyMatch(ep -> checkpoint(db, ep).isBefore(caughtUp))) {
              return false;
            }
            List<Sample> now = scrape(service);
            return POLL_STREAMS.stream()
                .allMatch(
                    s ->
                        Sql.count(
                                    db,
                                    "SELECT count(*) FROM tracksolid.ingestion_log "
                                        + "WHERE stream = '"
                                        + s
                                        + "'")
                                > 0
                            && sum(now, "tracksolid_poll_duration_seconds_count", stream(s))
                                == Sql.count(
                                    db,
                                    "SELECT count(*) FROM "
                                        + "tracksolid.ingestion_log WHERE stream = '"
                                        + s
                                        + "'"));
          });

      JsonArray items =
          new JsonArray()
              .add(alarm(PUSH_IMEI, "2026-03-01 11:00:00"))
              .add(alarm(PUSH_IMEI, "2019-06-01 08:00:00"));
      Http.Response push =
          Http.post(
              service.httpPort(),
              "/pushalarm",
              "application/x-www-form-urlencoded",
              "token="
                  + enc("test-webhook-token-0123456789abcdef")
                  + "&data_list="
                  + enc(items.encode()));
      assertThat(push.status()).as(push.body()).isEqualTo(200);

      Http.Response r = Http.get(service.httpPort(), "/metrics");
      assertThat(r.status()).isEqualTo(200);
      List<Sample> m = parse(r.body());

      // Polled alarms: the counter agrees with the rows stored and with the runs' own log.
      long polledAlarms =
          Sql.count(db, "SELECT count(*) FROM tracksolid.alarms WHERE imei <> '" + PUSH_IMEI + "'");
      assertThat(polledAlarms).isPositive();
      assertThat(
              value(
                  m,
                  "tracksolid_rows_ingested_total",
                  "stream",
                  "poll.alarms",
                  "outcome",
                  "inserted"))
          .isEqualTo((double) polledAlarms)
          .isEqualTo((double) logged(db, "poll.alarms", "rows_inserted"));
      assertThat(
              value(
                  m,
                  "tracksolid_rows_ingested_total",
                  "stream",
                  "poll.alarms",
                  "outcome",
                  "updated"))
          .isEqualTo((double) logged(db, "poll.alarms", "rows_updated"))
          .isZero();
      assertThat(
              value(
                  m,
                  "tracksolid_rows_ingested_total",
                  "stream",
                  "poll.alarms",
                  "outcome",
                  "rejected"))
          .isEqualTo((double) logged(db, "poll.alarms", "rows_rejected"));
      // Every other polled stream too: counters equal the log, whatever the run found.
      for (String s : POLL_STREAMS) {
        for (String outcome : List.of("inserted", "updated", "rejected")) {
          assertThat(
                  sum(
                      m,
                      "tracksolid_rows_ingested_total",
                      stream(s).and(label("outcome", outcome))))
              .as(s + " " + outcome)
              .isEqualTo((double) logged(db, s, "rows_" + outcome));
        }
      }

      // The push: one alarm stored, one quarantined as before the epoch.
      assertThat(
              value(
                  m,
                  "tracksolid_rows_ingested_total",
                  "stream",
                  "webhook.pushalarm",
                  "outcome",
                  "inserted"))
          .isEqualTo(1);
      assertThat(
              value(
                  m,
                  "tracksolid_rows_ingested_total",
                  "stream",
                  "webhook.pushalarm",
                  "outcome",
                  "updated"))
          .isZero();
      assertThat(
              value(
                  m,
                  "tracksolid_rows_ingested_total",
                  "stream",
                  "webhook.pushalarm",
                  "outcome",
                  "rejected"))
          .isEqualTo(1);
      assertThat(
              value(
                  m, "tracksolid_webhook_items_total", "path", "pushalarm", "outcome", "accepted"))
          .isEqualTo(1);
      assertThat(
              value(
                  m,
                  "tracksolid_webhook_items_total",
                  "path",
                  "pushalarm",
                  "outcome",
                  "quarantined"))
          .isEqualTo(1);
      assertThat(sum(m, "tracksolid_webhook_items_total", label("outcome", "rejected"))).isZero();
      assertThat(
              value(
                  m,
                  "tracksolid_quarantined_total",
                  "stream",
                  "webhook.pushalarm",
                  "reason",
                  "before_epoch"))
          .isEqualTo(1);
      // Quarantine counters match the quarantine table exactly, series for series.
      Map<String, Double> quarantineRows = new HashMap<>();
      Sql.rows(
              db,
              "SELECT stream, reason, count(*) AS n FROM tracksolid.quarantine GROUP BY stream, reason")
          .forEach(
              row ->
                  quarantineRows.put(
                      row.get("stream") + "|" + row.get("reason"),
                      ((Number) row.get("n")).doubleValue()));
      Map<String, Double> quarantineMeters = new HashMap<>();
      m.stream()
          .filter(s -> s.name().equals("tracksolid_quarantined_total") && s.value() > 0)
          .forEach(
              s ->
                  quarantineMeters.merge(
                      s.labels().get("stream") + "|" + s.labels().get("reason"),
                      s.value(),
                      Double::sum));
      assertThat(quarantineMeters).isEqualTo(quarantineRows);

      // Vendor calls: the client's count equals the simulator's, all answered with code 0.
      long simCalls = sim.tracksolid().calls(ALARM_LIST);
      assertThat(simCalls).isPositive();
      assertThat(
              sum(
                  m,
                  "tracksolid_vendor_calls_total",
                  label("method", ALARM_LIST).and(label("code", "0"))))
          .isEqualTo((double) simCalls);
      assertThat(sum(m, "tracksolid_vendor_calls_total", label("method", ALARM_LIST)))
          .isEqualTo((double) simCalls);
      assertThat(sum(m, "tracksolid_vendor_retries_total", label("method", ALARM_LIST))).isZero();
      assertThat(series(m, "tracksolid_vendor_circuit_state", x -> true))
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s.value()).isZero());
      assertThat(series(m, "tracksolid_vendor_inflight", x -> true)).isNotEmpty();

      // Poll timing and lag: one timed slice per logged slice; the lag is now − the committed
      // checkpoint.
      double timed = sum(m, "tracksolid_poll_duration_seconds_count", stream("poll.alarms"));
      assertThat(timed)
          .isGreaterThanOrEqualTo(1)
          .isEqualTo(
              (double)
                  Sql.count(
                      db,
                      "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms'"));
      assertThat(series(m, "tracksolid_poll_duration_seconds_bucket", stream("poll.alarms")))
          .isNotEmpty();
      long lag = Duration.between(checkpoint(db, "alarms"), clock.instant()).toSeconds();
      assertThat(series(m, "tracksolid_checkpoint_lag_seconds", stream("poll.alarms")))
          .singleElement()
          .satisfies(
              s ->
                  assertThat(s.value())
                      .isEqualTo((double) lag)
                      .isEqualTo((double) SETTLE.toSeconds()));

      // Spool empty (the database took the push directly); geocoder lane reports itself.
      assertThat(value(m, "tracksolid_spool_depth_requests")).isZero();
      assertThat(value(m, "tracksolid_spool_depth_bytes")).isZero();
      assertThat(series(m, "tracksolid_geocoder_queue_depth", x -> true)).hasSize(1);
      assertThat(series(m, "tracksolid_geocoder_rate_per_second", x -> true)).hasSize(1);
      assertThat(value(m, "tracksolid_geocoder_paused")).isZero();
    } finally {
      TestService.stop(service);
    }
  }

  // --- Prometheus text ---

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher mm = LINE.matcher(line);
      assertThat(mm.matches()).as("Prometheus sample line: %s", line).isTrue();
      Map<String, String> labels = new HashMap<>();
      if (mm.group(2) != null) {
        Matcher lm = LABEL.matcher(mm.group(2));
        while (lm.find()) {
          labels.put(lm.group(1), lm.group(2));
        }
      }
      out.add(new Sample(mm.group(1), labels, Double.parseDouble(mm.group(3))));
    }
    return out;
  }

  static List<Sample> series(List<Sample> samples, String name, Predicate<Sample> filter) {
    return samples.stream().filter(s -> s.name().equals(name)).filter(filter).toList();
  }

  static double sum(List<Sample> samples, String name, Predicate<Sample> filter) {
    return series(samples, name, filter).stream().mapToDouble(Sample::value).sum();
  }

  /** The one series of {@code name} carrying these labels (others, such as account, may vary). */
  static double value(List<Sample> samples, String name, String... labelPairs) {
    Predicate<Sample> f = x -> true;
    for (int i = 0; i < labelPairs.length; i += 2) {
      f = f.and(label(labelPairs[i], labelPairs[i + 1]));
    }
    return series(samples, name, f).stream()
        .mapToDouble(Sample::value)
        .reduce(
            (a, b) -> {
              throw new AssertionError(
                  "more than one series of " + name + " with " + String.join(",", labelPairs));
            })
        .orElseThrow(
            () ->
                new AssertionError("no series " + name + " with " + String.join(",", labelPairs)));
  }

  static Predicate<Sample> label(String key, String value) {
    return s -> value.equals(s.labels().get(key));
  }

  static Predicate<Sample> stream(String stream) {
    return label("stream", stream);
  }

  private static List<Sample> scrape(RunningService service) {
    Http.Response r = Http.get(service.httpPort(), "/metrics");
    assertThat(r.status()).isEqualTo(200);
    return parse(r.body());
  }

  // --- ground truth ---

  private static long logged(DatabaseTarget db, String stream, String column) {
    return Sql.count(
        db,
        "SELECT coalesce(sum("
            + column
            + "), 0) FROM tracksolid.ingestion_log WHERE stream = '"
            + stream
            + "'");
  }

  private static Instant checkpoint(DatabaseTarget db, String endpoint) {
    List<Map<String, Object>> rows =
        Sql.rows(
            db, "SELECT position FROM tracksolid.checkpoints WHERE endpoint = '" + endpoint + "'");
    if (rows.size() != 1) {
      return Instant.EPOCH;
    }
    Object v = rows.get(0).get("position");
    return v instanceof OffsetDateTime o ? o.toInstant() : ((java.sql.Timestamp) v).toInstant();
  }

  private static JsonObject alarm(String imei, String time) {
    return new JsonObject()
        .put("imei", imei)
        .put("deviceName", "TRUCK-99")
        .put("alarmType", "2")
        .put("alarmName", "Power cut off alert")
        .put("lat", "-1.2864")
        .put("lng", "36.8172")
        .put("alarmTime", time);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
