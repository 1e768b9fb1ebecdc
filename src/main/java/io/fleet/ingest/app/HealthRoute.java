package io.fleet.ingest.app;

import io.fleet.ingest.config.BuildInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * GET /health: is the process up and can it reach its database, plus what modules add (the webhook:
 * what waits in its spool and dead-letter table). Details never change the status.
 */
public final class HealthRoute {
  private static final long DB_TIMEOUT_MS = 2_000;

  private final Pool pool;
  private final Clock clock;
  private final Instant startedAt;
  private final Map<String, Supplier<Future<JsonObject>>> details = new ConcurrentSkipListMap<>();

  /**
   * Adds a section to every answer; a section that fails or is slow shows as an error, the status
   * stays.
   */
  public void addDetail(String name, Supplier<Future<JsonObject>> detail) {
    details.put(name, detail);
  }

  public HealthRoute(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  public void mount(Router router) {
    router.get("/health").handler(this::handle);
  }

  private static Future<JsonObject> section(Supplier<Future<JsonObject>> detail) {
    try {
      return detail.get().timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void handle(RoutingContext ctx) {
    long t0 = System.nanoTime();
    pool.query("SELECT 1")
        .execute()
        .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              boolean up = ar.succeeded();
              JsonObject db = new JsonObject().put("reachable", up);
              if (up) {
                db.put("latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
              } else {
                db.put("error", "database unreachable");
              }
              Instant now = clock.instant();
              JsonObject body =
                  new JsonObject()
                      .put("status", up ? "UP" : "DOWN")
                      .put("database", db)
                      .put("version", BuildInfo.version())
                      .put("startedAt", startedAt.toString())
                      .put(
                          "uptimeSeconds",
                          Math.max(0, Duration.between(startedAt, now).toSeconds()));
              List<Future<?>> sections = new ArrayList<>();
              details.forEach(
                  (name, detail) ->
                      sections.add(
                          section(detail)
                              .onComplete(
                                  done ->
                                      body.put(
                                          name,
                                          done.succeeded()
                                              ? done.result()
                                              : new JsonObject().put("error", "unavailable")))));
              Future.join(sections)
                  .onComplete(
                      all ->
                          ctx.response()
                              .setStatusCode(up ? 200 : 503)
                              .putHeader("Content-Type", "application/json")
                              .putHeader("Cache-Control", "no-store")
                              .end(body.encode()));
            });
  }
}
