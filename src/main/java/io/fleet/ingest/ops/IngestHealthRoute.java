package io.fleet.ingest.ops;

import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /health/ingest: is data flowing. The judgement is the SQL function behind
 * reporting.v_ingest_health, called with this service's clock so every replica (and a test's clock)
 * answers alike. 200 while every stream is ok, idle or in grace; 503 once any is stale or failing,
 * so a monitor pages exactly then.
 */
public final class IngestHealthRoute {
  private static final Logger log = LoggerFactory.getLogger(IngestHealthRoute.class);
  private static final long DB_TIMEOUT_MS = 5_000;

  /**
   * Worst first: the overall status is the worst stream status; an idle optional stream counts as
   * ok.
   */
  private static final List<String> SEVERITY = List.of("failing", "stale", "grace", "ok");

  static final String QUERY =
      """
      SELECT stream, kind, account, status, optional, in_grace, last_success_at, last_error_at, age_seconds,
             rows_in_window, runs_in_window,
             extract(epoch FROM stale_after)::bigint AS stale_after_s,
             extract(epoch FROM failing_after)::bigint AS failing_after_s,
             extract(epoch FROM rows_window)::bigint AS rows_window_s
      FROM reporting.ingest_health($1)""";

  private final Pool pool;
  private final Clock clock;
  private final java.util.function.Consumer<Iterable<Row>> listener;

  public IngestHealthRoute(Pool pool, Clock clock) {
    this(pool, clock, rows -> {});
  }

  /**
   * {@code listener} sees every judgement's rows, so the stream-status gauge mirrors this endpoint.
   */
  public IngestHealthRoute(
      Pool pool, Clock clock, java.util.function.Consumer<Iterable<Row>> listener) {
    this.pool = pool;
    this.clock = clock;
    this.listener = listener;
  }

  public void mount(Router router) {
    router.get("/health/ingest").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    judge(clock.instant())
        .onFailure(
            err -> {
              log.warn("health/ingest: cannot read pipeline health", err);
              ctx.fail(
                  new HttpFailure(
                      503, "unavailable", "Pipeline health cannot be read from the database."));
            })
        .onSuccess(
            body -> {
              String overall = body.getString("status");
              boolean healthy = !overall.equals("stale") && !overall.equals("failing");
              ctx.response()
                  .setStatusCode(healthy ? 200 : 503)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(body.encode());
            });
  }

  /** The body of /health/ingest as of {@code now}; the status page shows the same judgement. */
  public Future<JsonObject> judge(Instant now) {
    return pool.preparedQuery(QUERY)
        .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
        .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              listener.accept(rows);
              JsonArray streams = new JsonArray();
              String overall = "ok";
              boolean inGrace = false;
              long windowSeconds = 0;
              for (Row r : rows) {
                String status = r.getString("status");
                String counted = status.equals("idle") ? "ok" : status;
                if (SEVERITY.indexOf(counted) < SEVERITY.indexOf(overall)) {
                  overall = counted;
                }
                inGrace = Boolean.TRUE.equals(r.getBoolean("in_grace"));
                windowSeconds = r.getLong("rows_window_s");
                streams.add(
                    new JsonObject()
                        .put("stream", r.getString("stream"))
                        .put("kind", r.getString("kind"))
                        .put("account", r.getString("account"))
                        .put("status", status)
                        .put("optional", r.getBoolean("optional"))
                        .put("lastSuccessAt", iso(r.getOffsetDateTime("last_success_at")))
                        .put("lastErrorAt", iso(r.getOffsetDateTime("last_error_at")))
                        .put("ageSeconds", r.getLong("age_seconds"))
                        .put("rowsInWindow", r.getLong("rows_in_window"))
                        .put("runsInWindow", r.getLong("runs_in_window"))
                        .put(
                            "thresholds",
                            new JsonObject()
                                .put(
                                    "staleAfter",
                                    Duration.ofSeconds(r.getLong("stale_after_s")).toString())
                                .put(
                                    "failingAfter",
                                    Duration.ofSeconds(r.getLong("failing_after_s")).toString())));
              }
              return new JsonObject()
                  .put("status", overall)
                  .put("checkedAt", now.toString())
                  .put("inGrace", inGrace)
                  .put("window", Duration.ofSeconds(windowSeconds).toString())
                  .put("streams", streams);
            });
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
