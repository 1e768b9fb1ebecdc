package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the running service on a real PostgreSQL: mutated real-shaped bodies, then the
 * checks a user would make. In the suite it sends a few thousand bodies; the documented command
 * (see docs/reports/reliability.md) sends 10,000 or more and writes the report:
 *
 * <pre>./mvnw -B verify -Dtest=WebhookFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfuzz.bodies=10000 -Dfuzz.report=docs/reports/reliability.md</pre>
 */
class WebhookFuzzTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));
  static final String COMMAND =
      "./mvnw -B verify -Dtest=WebhookFuzzTest -Dsurefire.failIfNoSpecifiedTests=false "
          + "-Dfuzz.bodies=10000 -Dfuzz.report=docs/reports/reliability.md";
  private static final String OUTSIDE_GUARDS =
      """
      SELECT
        (SELECT count(*) FROM tracksolid.position_history WHERE NOT (length(imei) <= 32 AND imei ~ '^[ -~]+$'
           AND gps_time BETWEEN '2020-01-01Z' AND '2024-05-04Z' AND lat BETWEEN -90 AND 90
           AND lng BETWEEN -180 AND 180 AND NOT (lat = 0 AND lng = 0)))
      + (SELECT count(*) FROM tracksolid.alarms WHERE NOT (length(imei) <= 32 AND imei ~ '^[ -~]+$'
           AND length(alarm_type) <= 64 AND alarm_time BETWEEN '2020-01-01Z' AND '2024-05-04Z'))
      + (SELECT count(*) FROM tracksolid.push_messages WHERE NOT (length(msg_type) <= 128
           AND (imei IS NULL OR (length(imei) <= 32 AND imei ~ '^[ -~]+$'))
           AND (event_time IS NULL OR event_time BETWEEN '2020-01-01Z' AND '2024-05-04Z')))
      """;

  /** What came back for the bodies of one kind. */
  static final class Tally {
    final Map<Integer, Integer> statuses = new TreeMap<>();
    int sent;
  }

  @Test
  void mutatedBodiesNeverGet5xxNoAnswerOrAnUnauthenticated200() throws Exception {
    int bodies = Integer.getInteger("fuzz.bodies", 2500);
    long seed = Long.getLong("fuzz.seed", 20261128L);
    String report = System.getProperty("fuzz.report");
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("LOG_LEVEL", "ERROR");
    RunningService service = TestService.start(env, CLOCK);
    int port = service.httpPort();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    FuzzBodies generator = new FuzzBodies(seed, Push.TOKEN);
    AtomicInteger next = new AtomicInteger();
    Map<String, Tally> byKind = new ConcurrentHashMap<>();
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    LongAdder fiveHundreds = new LongAdder();
    LongAdder unanswered = new LongAdder();
    LongAdder without = new LongAdder();
    LongAdder unauthenticated200 = new LongAdder();
    LongAdder ok = new LongAdder();
    long started = System.nanoTime();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        running.add(
            senders.submit(
                () -> {
                  while (true) {
                    FuzzBodies.Case c;
                    synchronized (generator) {
                      if (next.get() >= bodies) {
                        return null;
                      }
                      next.incrementAndGet();
                      c = generator.next();
                    }
                    HttpRequest.Builder request =
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:"
                                        + port
                                        + "/"
                                        + c.path()
                                        + (c.query() == null ? "" : "?" + c.query())))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", c.contentType())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
                    if (c.header() != null) {
                      request.header("X-Jimi-Token", c.header());
                    }
                    int status;
                    String body;
                    String type;
                    try {
                      HttpResponse<String> r =
                          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                      status = r.statusCode();
                      body = r.body();
                      type = r.headers().firstValue("Content-Type").orElse("");
                    } catch (java.io.IOException e) {
                      status = -1;
                      body = "";
                      type = "";
                    }
                    Tally tally = byKind.computeIfAbsent(c.kind(), k -> new Tally());
                    synchronized (tally) {
                      tally.sent++;
                      tally.statuses.merge(status, 1, Integer::sum);
                    }
                    if (status < 0) {
                      unanswered.increment();
                      problems.add(c.kind() + " to /" + c.path() + ": no answer");
                    } else if (status >= 500) {
                      fiveHundreds.increment();
                      problems.add(c.kind() + " to /" + c.path() + ": " + status + " " + body);
                    } else if (status >= 400 && !(type.contains("json") && jsonError(body))) {
                      without.increment();
                      problems.add(
                          c.kind()
                              + " to /"
                              + c.path()
                              + ": "
                              + status
                              + " without a JSON error body");
                    } else if (status == 200) {
                      ok.increment();
                      if (c.tokenMode() != FuzzBodies.TokenMode.REAL) {
                        unauthenticated200.increment();
                        problems.add(
                            c.kind() + " to /" + c.path() + ": 200 with token " + c.tokenMode());
                      }
                    }
                  }
                }));
      }
      for (Future<?> f : running) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      senders.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    try {
      long outside = Sql.count(db, OUTSIDE_GUARDS);
      // Five valid pushes afterwards land at once.
      for (int i = 0; i < 5; i++) {
        assertThat(
                Push.form(
                        port,
                        "/pushgps",
                        Push.TOKEN,
                        new JsonArray().add(Push.gps("97000000000000" + i, "2024-05-01 12:00:00")))
                    .status())
            .isEqualTo(200);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long landed;
      while ((landed =
                  Sql.count(
                      db,
                      "SELECT count(*) FROM tracksolid.position_history WHERE imei LIKE "
                          + "'97000000000000_'"))
              < 5
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (report != null) {
        writeReport(
            Path.of(report),
            bodies,
            seed,
            seconds,
            byKind,
            fiveHundreds.sum(),
            unanswered.sum(),
            without.sum(),
            unauthenticated200.sum(),
            ok.sum(),
            outside,
            landed,
            db);
      }
      assertThat(problems).as("5xx, unanswered, non-JSON 4xx or unauthenticated 200").isEmpty();
      assertThat(outside).as("rows outside the guards").isZero();
      assertThat(landed).as("valid pushes after the fuzz").isEqualTo(5);
      assertThat(ok.sum()).as("some bodies were accepted").isPositive();
    } finally {
      TestService.stop(service);
    }
  }

  private static boolean jsonError(String body) {
    try {
      JsonObject json = new JsonObject(body);
      return json.getString("error") != null && json.getString("message") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void writeReport(
      Path file,
      int bodies,
      long seed,
      double seconds,
      Map<String, Tally> byKind,
      long fiveHundreds,
      long unanswered,
      long without,
      long unauthenticated200,
      long ok,
      long outside,
      long landed,
      DatabaseTarget db)
      throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("# Reliability: the webhook under broken and hostile input\n\n");
    b.append(
            "Seeded fuzzing of the running service (real HTTP server, embedded PostgreSQL 17) with mutated\n")
        .append(
            "real-shaped push bodies: form and JSON, raw bytes, deep nesting, bad escapes, huge and tiny\n")
        .append(
            "numbers, oversized keys and values, invalid UTF-8, wrong types, missing and duplicated fields,\n")
        .append(
            "wrong and conflicting tokens, absurd times, control characters, too many items, truncated and\n")
        .append(
            "empty bodies. Four concurrent senders over HTTP/1.1, 10 s client timeout per request.\n\n");
    b.append("Reproduce (writes this file):\n\n```sh\n").append(COMMAND).append("\n```\n\n");
    b.append(
            "The test suite runs the same test with 2,500 bodies (`WebhookFuzzTest`); `-Dfuzz.seed=N` picks\n")
        .append("another seed.\n\n");
    b.append("## Run\n\n| figure | value |\n|---|---:|\n");
    row(
        b,
        "run at (UTC)",
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    row(b, "seed", String.valueOf(seed));
    row(b, "bodies sent", String.format(Locale.ROOT, "%,d", bodies));
    row(
        b,
        "duration",
        String.format(Locale.ROOT, "%.1f s (%.0f bodies/s)", seconds, bodies / seconds));
    row(b, "answered 200", String.format(Locale.ROOT, "%,d", ok));
    row(b, "5xx answers", String.valueOf(fiveHundreds));
    row(b, "unanswered requests", String.valueOf(unanswered));
    row(b, "4xx without a JSON error body", String.valueOf(without));
    row(b, "200 without a valid token", String.valueOf(unauthenticated200));
    row(b, "rows in the main tables outside the guards", String.valueOf(outside));
    row(b, "valid pushes afterwards stored (of 5)", String.valueOf(landed));
    row(
        b,
        "rows stored: position_history / alarms / push_messages",
        Sql.count(db, "SELECT count(*) FROM tracksolid.position_history")
            + " / "
            + Sql.count(db, "SELECT count(*) FROM tracksolid.alarms")
            + " / "
            + Sql.count(db, "SELECT count(*) FROM tracksolid.push_messages"));
    row(
        b,
        "items quarantined",
        String.valueOf(Sql.count(db, "SELECT count(*) FROM tracksolid.quarantine")));
    row(
        b,
        "requests dead-lettered",
        String.valueOf(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes")));
    b.append("\n## Answers by kind of body\n\n| kind | sent | statuses |\n|---|---:|---|\n");
    for (String kind : FuzzBodies.kinds()) {
      Tally t = byKind.get(kind);
      if (t != null) {
        StringBuilder s = new StringBuilder();
        t.statuses.forEach(
            (status, n) ->
                s.append(s.isEmpty() ? "" : ", ").append(status).append(" x ").append(n));
        b.append("| ")
            .append(kind)
            .append(" | ")
            .append(t.sent)
            .append(" | ")
            .append(s)
            .append(" |\n");
      }
    }
    b.append("\n## Quarantine reasons\n\n| reason | items |\n|---|---:|\n");
    for (Map<String, Object> r :
        Sql.rows(
            db,
            "SELECT reason, count(*) AS n FROM tracksolid.quarantine "
                + "GROUP BY reason ORDER BY n DESC, reason")) {
      b.append("| ").append(r.get("reason")).append(" | ").append(r.get("n")).append(" |\n");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    // The poll side's figures (PollFuzzTest) share the file, after their marker: keep them.
    String kept = "";
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int at = old.indexOf(io.fleet.ingest.poll.PollFuzzReport.MARKER);
      kept = at < 0 ? "" : "\n" + old.substring(at);
    }
    Files.writeString(file, b.toString() + kept);
  }

  private static void row(StringBuilder b, String figure, String value) {
    b.append("| ").append(figure).append(" | ").append(value).append(" |\n");
  }
}
