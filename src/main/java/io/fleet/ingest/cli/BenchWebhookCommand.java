package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load test of the push webhook on a throw-away embedded database: items/s and latency at 1, 10 and
 * 100 items per push, form and JSON, then the raw COPY rate of the same rows into the same table as
 * the ceiling. A tool, so it may block and use JDBC COPY; the service never does.
 */
@Command(
    name = "bench-webhook",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the push webhook against an embedded PostgreSQL and write docs/reports/benchmarks.md.")
public final class BenchWebhookCommand implements Callable<Integer> {
  private static final DateTimeFormatter VENDOR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final String TOKEN = "bench-webhook-token-0123456789abcdef";

  @Option(
      names = "--items",
      defaultValue = "20000",
      description = "Items pushed per scenario (default ${DEFAULT-VALUE}).")
  int itemsPerScenario;

  @Option(
      names = "--min-requests",
      defaultValue = "200",
      description =
          "At least this many requests per scenario, so latency has samples (default ${DEFAULT-VALUE}).")
  int minRequests;

  @Option(
      names = "--max-requests",
      defaultValue = "4000",
      description =
          "At most this many requests per scenario, to bound the run (default ${DEFAULT-VALUE}).")
  int maxRequests;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      description = "Concurrent senders (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--report",
      defaultValue = "docs/reports/benchmarks.md",
      description = "Report file to update.")
  Path report;

  private final AtomicLong deviceSeq = new AtomicLong(860_000_000_000_000L);

  record Scenario(
      String format,
      int perPush,
      int requests,
      long items,
      double seconds,
      Histogram latency,
      int failures) {
    double itemsPerSecond() {
      return items / seconds;
    }
  }

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("bench-webhook");
    Map<String, String> env = new HashMap<>();
    env.put("EMBEDDED_PG_DIR", work.resolve("pg").toString());
    env.put("WEBHOOK_SPOOL_DIR", work.resolve("spool").toString());
    env.put("JIMI_WEBHOOK_TOKEN", TOKEN);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", "0");
    // The benchmark measures the push path alone: no geocoding, no polling.
    env.put("GEOCODE_ENABLED", "false");
    AppConfig config = AppConfig.load(env, false);
    RunningService service = Service.start(config, Clock.systemUTC(), Modules::forContext).await();
    List<Scenario> results = new ArrayList<>();
    List<JsonObject> copyRows = new ArrayList<>();
    double copyRate;
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      int port = service.httpPort();
      // Warm-up (JIT, pool, prepared statements), not reported.
      run(http, port, "form", 1, 500, null);
      run(http, port, "json", 10, 300, null);
      for (String format : List.of("form", "json")) {
        for (int perPush : List.of(1, 10, 100)) {
          int requests = Math.max(minRequests, Math.min(maxRequests, itemsPerScenario / perPush));
          List<JsonObject> sink = format.equals("json") && perPush == 100 ? copyRows : null;
          Scenario s = run(http, port, format, perPush, requests, sink);
          results.add(s);
          System.out.printf(
              Locale.ROOT,
              "%-4s %3d items/push: %6d requests, %9.0f items/s, p50 %.2f ms, p99 %.2f ms%n",
              format,
              perPush,
              s.requests(),
              s.itemsPerSecond(),
              s.latency().getValueAtPercentile(50) / 1000.0,
              s.latency().getValueAtPercentile(99) / 1000.0);
        }
      }
      copyRate = copy(service.database(), copyRows);
      System.out.printf(
          Locale.ROOT,
          "COPY of the same %d rows into position_history: %.0f rows/s%n",
          copyRows.size(),
          copyRate);
    } finally {
      service.stop().await();
    }
    new WebhookBenchReport(report, itemsPerScenario, minRequests, maxRequests, concurrency)
        .write(results, copyRows.size(), copyRate);
    System.out.println("wrote " + report);
    return results.stream().anyMatch(s -> s.failures() > 0) ? 1 : 0;
  }

  private Scenario run(
      HttpClient http, int port, String format, int perPush, int requests, List<JsonObject> sink)
      throws Exception {
    List<JsonArray> bodies = new ArrayList<>(requests);
    for (int r = 0; r < requests; r++) {
      JsonArray items = new JsonArray();
      String imei = String.valueOf(deviceSeq.incrementAndGet());
      LocalDateTime t = LocalDateTime.of(2024, 5, 1, 0, 0);
      for (int i = 0; i < perPush; i++) {
        items.add(
            new JsonObject()
                .put("deviceImei", imei)
                .put("gpsTime", VENDOR.format(t.plusSeconds(i * 10L)))
                .put("gateTime", VENDOR.format(t.plusSeconds(i * 10L + 1)))
                .put("lat", -1.2864 + i * 1e-4)
                .put("lng", 36.8172)
                .put("gpsSpeed", 40)
                .put("direction", 180)
                .put("satelliteNum", 11)
                .put("acc", 1));
      }
      bodies.add(items);
      if (sink != null) {
        items.forEach(o -> sink.add((JsonObject) o));
      }
    }
    Histogram latency = new Histogram(60_000_000L, 3);
    AtomicLong failures = new AtomicLong();
    AtomicLong next = new AtomicLong();
    long start = System.nanoTime();
    try (ExecutorService senders = Executors.newFixedThreadPool(concurrency)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        running.add(
            senders.submit(
                () -> {
                  for (long i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    HttpRequest request = request(port, format, bodies.get((int) i));
                    long t0 = System.nanoTime();
                    try {
                      HttpResponse<String> r =
                          http.send(request, HttpResponse.BodyHandlers.ofString());
                      if (r.statusCode() != 200) {
                        failures.incrementAndGet();
                      }
                    } catch (Exception e) {
                      failures.incrementAndGet();
                    }
                    synchronized (latency) {
                      latency.recordValue(Math.min(60_000_000L, (System.nanoTime() - t0) / 1000));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Scenario(
        format,
        perPush,
        requests,
        (long) requests * perPush,
        seconds,
        latency,
        (int) failures.get());
  }

  private static HttpRequest request(int port, String format, JsonArray items) {
    String body;
    String type;
    if (format.equals("form")) {
      body =
          "token="
              + TOKEN
              + "&data_list="
              + URLEncoder.encode(items.encode(), StandardCharsets.UTF_8);
      type = "application/x-www-form-urlencoded";
    } else {
      body = new JsonObject().put("token", TOKEN).put("data_list", items).encode();
      type = "application/json";
    }
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pushgps"))
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** The same rows, COPYed into the same (emptied) table: what PostgreSQL alone can take. */
  private static double copy(DatabaseTarget db, List<JsonObject> rows) throws Exception {
    StringBuilder text = new StringBuilder();
    for (JsonObject o : rows) {
      Instant t = LocalDateTime.parse(o.getString("gpsTime"), VENDOR).toInstant(ZoneOffset.UTC);
      text.append(o.getString("deviceImei"))
          .append('\t')
          .append(t)
          .append('\t')
          .append(o.getDouble("lat"))
          .append('\t')
          .append(o.getDouble("lng"))
          .append('\t')
          .append(o.getInteger("gpsSpeed"))
          .append('\t')
          .append(o.getInteger("direction"))
          .append("\tGPS\ttrue\t")
          .append(o.getInteger("satelliteNum"))
          .append("\tpush\t")
          .append(o.encode().replace("\\", "\\\\"))
          .append('\n');
    }
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE tracksolid.position_history");
      }
      long start = System.nanoTime();
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY tracksolid.position_history "
                  + "(imei, gps_time, lat, lng, speed_kmh, direction, pos_type, acc, satellites, source, raw) FROM STDIN",
              new StringReader(text.toString()));
      return rows.size() / ((System.nanoTime() - start) / 1e9);
    }
  }
}
