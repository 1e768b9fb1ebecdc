package io.fleet.ingest.ops;

import io.fleet.ingest.config.BuildInfo;
import io.fleet.ingest.http.HttpFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's JSON, on the management listener only: GET /api/status (streams as
 * /health/ingest judges them, spool and dead letters, vendor calls and breakers, the geocoder lane,
 * recent quarantine reasons, push/poll alarm de-duplication) and GET /api/fleet (each active
 * device's last position and a status for its colour, from {@link FleetApi}). Database reads go
 * through the reactive pool; the rest comes from this replica's meters.
 */
public final class StatusApi {
  private static final Logger log = LoggerFactory.getLogger(StatusApi.class);
  static final long DB_TIMEOUT_MS = 5_000;

  private static final String QUARANTINE =
      """
      SELECT stream, reason, count(*) AS items, max(received_at) AS last_at
      FROM tracksolid.quarantine
      WHERE received_at > $1::timestamptz - interval '24 hours'
      GROUP BY stream, reason
      ORDER BY last_at DESC
      LIMIT 10""";
  private static final String ALARMS =
      """
      SELECT count(*) FILTER (WHERE seen_by_push AND seen_by_poll) AS both_sources,
             count(*) FILTER (WHERE seen_by_push AND NOT seen_by_poll) AS push_only,
             count(*) FILTER (WHERE seen_by_poll AND NOT seen_by_push) AS poll_only
      FROM tracksolid.alarms
      WHERE alarm_time > $1::timestamptz - interval '7 days'""";

  /** Dead letters are optional: the table may not exist in this schema version. */
  private static final String DEAD_LETTERS_TABLE =
      "SELECT to_regclass('tracksolid.rejected_pushes') IS NOT NULL AS present";

  private static final String DEAD_LETTERS = "SELECT count(*) AS n FROM tracksolid.rejected_pushes";
  private final Pool pool;
  private final Clock clock;
  private final MeterRegistry registry;
  private final IngestHealthRoute health;
  private final String instanceId;
  private final FleetApi fleet;

  public StatusApi(
      Pool pool, Clock clock, MeterRegistry registry, IngestHealthRoute health, String instanceId) {
    this.pool = pool;
    this.clock = clock;
    this.registry = registry;
    this.health = health;
    this.instanceId = instanceId;
    this.fleet = new FleetApi(pool, clock);
  }

  public void mount(Router router) {
    router.get("/api/status").handler(this::status);
    router.get("/api/fleet").handler(fleet::handle);
  }

  private void status(RoutingContext ctx) {
    Instant now = clock.instant();
    Tuple at = Tuple.of(now.atOffset(ZoneOffset.UTC));
    Future<JsonObject> streams = health.judge(now);
    Future<JsonArray> quarantine =
        pool.preparedQuery(QUARANTINE)
            .execute(at)
            .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .map(
                rows -> {
                  JsonArray out = new JsonArray();
                  for (Row r : rows) {
                    out.add(
                        new JsonObject()
                            .put("stream", r.getString("stream"))
                            .put("reason", r.getString("reason"))
                            .put("items", r.getLong("items"))
                            .put("lastAt", iso(r.getOffsetDateTime("last_at"))));
                  }
                  return out;
                });
    Future<JsonObject> alarms =
        pool.preparedQuery(ALARMS)
            .execute(at)
            .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .map(
                rows -> {
                  Row r = rows.iterator().next();
                  return new JsonObject()
                      .put("window", "P7D")
                      .put("pushAndPoll", r.getLong("both_sources"))
                      .put("pushOnly", r.getLong("push_only"))
                      .put("pollOnly", r.getLong("poll_only"));
                });
    Future<JsonObject> deadLetters = deadLetters();
    Future.all(streams, quarantine, alarms, deadLetters)
        .onFailure(
            err -> {
              log.warn("status: cannot read from the database", err);
              ctx.fail(
                  new HttpFailure(
                      503, "unavailable", "The status cannot be read from the database."));
            })
        .onSuccess(
            all -> {
              JsonObject body =
                  new JsonObject()
                      .put("checkedAt", now.toString())
                      .put("instance", instanceId)
                      .put("version", BuildInfo.version())
                      .put("ingest", streams.result())
                      .put(
                          "spool",
                          new JsonObject()
                              .put("bytes", gauge(IngestMetrics.SPOOL_DEPTH_BYTES))
                              .put("requests", gauge(IngestMetrics.SPOOL_DEPTH_REQUESTS)))
                      .put("deadLetters", deadLetters.result())
                      .put("vendor", vendor())
                      .put("geocoder", geocoder())
                      .put("webhook", webhook())
                      .put("quarantine", quarantine.result())
                      .put("alarms", alarms.result());
              json(ctx, body);
            });
  }

  /** Count of tracksolid.rejected_pushes when that table exists and can be read; else why not. */
  private Future<JsonObject> deadLetters() {
    return pool.query(DEAD_LETTERS_TABLE)
        .execute()
        .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(
            rows -> {
              if (!Boolean.TRUE.equals(rows.iterator().next().getBoolean("present"))) {
                return Future.succeededFuture(
                    new JsonObject().put("available", false).putNull("count"));
              }
              return pool.query(DEAD_LETTERS)
                  .execute()
                  .timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                  .map(
                      r ->
                          new JsonObject()
                              .put("available", true)
                              .put("count", r.iterator().next().getLong("n")))
                  .recover(
                      e -> {
                        log.debug("status: tracksolid.rejected_pushes cannot be read", e);
                        return Future.succeededFuture(
                            new JsonObject().put("available", false).putNull("count"));
                      });
            });
  }

  private JsonArray vendor() {
    Map<String, JsonObject> accounts = new TreeMap<>();
    for (Counter c : registry.find(IngestMetrics.VENDOR_CALLS).counters()) {
      String account = c.getId().getTag("account");
      String code = c.getId().getTag("code");
      JsonObject a = accounts.computeIfAbsent(account, StatusApi::account);
      String key = "0".equals(code) ? "ok" : "failed";
      a.put(key, a.getLong(key) + (long) c.count());
    }
    for (Gauge g : registry.find(IngestMetrics.VENDOR_CIRCUIT_STATE).gauges()) {
      double v = g.value();
      accounts
          .computeIfAbsent(g.getId().getTag("account"), StatusApi::account)
          .put("breaker", v >= 2 ? "open" : v >= 1 ? "half-open" : "closed");
    }
    for (Gauge g : registry.find(IngestMetrics.VENDOR_INFLIGHT).gauges()) {
      accounts
          .computeIfAbsent(g.getId().getTag("account"), StatusApi::account)
          .put("inflight", (long) g.value());
    }
    return new JsonArray(accounts.values().stream().map(Object.class::cast).toList());
  }

  private static JsonObject account(String name) {
    return new JsonObject()
        .put("account", name)
        .put("ok", 0L)
        .put("failed", 0L)
        .put("breaker", "closed")
        .put("inflight", 0L);
  }

  private JsonObject geocoder() {
    JsonObject requests = new JsonObject();
    for (Counter c : registry.find(IngestMetrics.GEOCODER_REQUESTS).counters()) {
      requests.put(c.getId().getTag("outcome"), (long) c.count());
    }
    JsonObject cache = new JsonObject();
    for (Counter c : registry.find(IngestMetrics.GEOCODER_CACHE).counters()) {
      cache.put(c.getId().getTag("result"), (long) c.count());
    }
    return new JsonObject()
        .put("queue", gauge(IngestMetrics.GEOCODER_QUEUE_DEPTH))
        .put("paused", gauge(IngestMetrics.GEOCODER_PAUSED) > 0)
        .put("ratePerSecond", gaugeValue(IngestMetrics.GEOCODER_RATE))
        .put("requests", requests)
        .put("cache", cache);
  }

  private JsonObject webhook() {
    Map<String, JsonObject> paths = new TreeMap<>();
    for (Counter c : registry.find(IngestMetrics.WEBHOOK_ITEMS).counters()) {
      paths
          .computeIfAbsent(c.getId().getTag("path"), p -> new JsonObject())
          .put(c.getId().getTag("outcome"), (long) c.count());
    }
    JsonObject out = new JsonObject();
    paths.forEach(out::put);
    return out;
  }

  private long gauge(String name) {
    return (long) gaugeValue(name);
  }

  private double gaugeValue(String name) {
    double sum = 0;
    for (Gauge g : registry.find(name).gauges()) {
      sum += Double.isNaN(g.value()) ? 0 : g.value();
    }
    return sum;
  }

  static void json(RoutingContext ctx, JsonObject body) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
