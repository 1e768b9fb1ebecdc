package io.fleet.ingest.app;

import io.fleet.ingest.config.BuildInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** GET /health: is the process up and can it reach its database. */
public final class HealthRoute {
  private static final long DB_TIMEOUT_MS = 2_000;

  private final Pool pool;
  private final Clock clock;
  private final Instant startedAt;

  public HealthRoute(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  public void mount(Router router) {
    router.get("/health").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    long t0 = System.nanoTime();
    pool.query("SELECT 1").execute()
        .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          boolean up = ar.succeeded();
          JsonObject db = new JsonObject().put("reachable", up);
          if (up) {
            db.put("latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          } else {
            db.put("error", "database unreachable");
          }
          Instant now = clock.instant();
          JsonObject body = new JsonObject()
              .put("status", up ? "UP" : "DOWN")
              .put("database", db)
              .put("version", BuildInfo.version())
              .put("startedAt", startedAt.toString())
              .put("uptimeSeconds", Math.max(0, Duration.between(startedAt, now).toSeconds()));
          ctx.response()
              .setStatusCode(up ? 200 : 503)
              .putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-store")
              .end(body.encode());
        });
  }
}
