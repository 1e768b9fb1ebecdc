package io.fleet.ingest.simulator;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jimi push side of the demo: every round it posts the synthetic fleet's latest fixes,
 * heartbeats, recent alarms (the same alarms the pollers fetch, so push/poll de-duplication shows
 * in tracksolid.alarms.seen_by_push/seen_by_poll) and one message of every other IoT-Hub type to
 * the service's own webhook, alternating form and JSON bodies and the ways a token can travel. Now
 * and then a fix without a position (0,0, as trackers send before their first lock) shows the
 * quarantine at work. Every webhook stream of /health/ingest is thus live in the demo.
 */
public final class JimiPushSimulator {
  private static final Logger log = LoggerFactory.getLogger(JimiPushSimulator.class);

  /** Every webhook path the service mounts, so no webhook stream is left idle. */
  static final List<String> PATHS =
      List.of(
          "pushgps",
          "pushalarm",
          "pushhb",
          "pushevent",
          "pushlbs",
          "pushobd",
          "pushtripreport",
          "pushoil",
          "pushtem",
          "push");

  private final Vertx vertx;
  private final Clock clock;
  private final String baseUrl;
  private final String token;
  private final Duration interval;
  private final WebClient client;
  private final AtomicLong acknowledged = new AtomicLong();
  private final PushContents contents;
  private Instant lastRound;
  private long round;
  private long timer = -1;

  public JimiPushSimulator(
      Vertx vertx,
      SyntheticFleet fleet,
      Clock clock,
      String baseUrl,
      String token,
      Duration interval) {
    this.vertx = vertx;
    this.clock = clock;
    this.baseUrl = baseUrl;
    this.token = token;
    this.interval = interval;
    this.client = WebClient.create(vertx);
    this.contents = new PushContents(fleet, clock);
  }

  /** First round at once, then one every interval. */
  public void start() {
    lastRound = clock.instant().minus(interval);
    vertx.runOnContext(v -> pushRound());
    timer = vertx.setPeriodic(interval.toMillis(), id -> pushRound());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    client.close();
  }

  /** Requests the webhook acknowledged with code 0. */
  public long acknowledged() {
    return acknowledged.get();
  }

  private void pushRound() {
    Instant now = clock.instant();
    Instant since = lastRound;
    lastRound = now;
    round++;
    for (int i = 0; i < PATHS.size(); i++) {
      String path = PATHS.get(i);
      JsonArray items = contents.items(path, since, now, round);
      if (items.isEmpty()) {
        continue;
      }
      // Alternate the body styles and token carriers the webhook accepts.
      boolean form = (i + round) % 2 == 0;
      send(path, items, form)
          .onComplete(
              ar -> {
                if (ar.succeeded()
                    && ar.result().statusCode() == 200
                    && Integer.valueOf(0)
                        .equals(ar.result().bodyAsJsonObject().getInteger("code"))) {
                  acknowledged.incrementAndGet();
                } else if (ar.succeeded()) {
                  log.warn("demo push to /{} answered HTTP {}", path, ar.result().statusCode());
                } else {
                  log.warn("demo push to /{} failed: {}", path, ar.cause().toString());
                }
              });
    }
  }

  private Future<HttpResponse<Buffer>> send(String path, JsonArray items, boolean form) {
    String url = baseUrl + "/" + path;
    boolean openApi = path.equals("push");
    String listField = openApi ? "data" : "data_list";
    Object data = openApi ? items.getJsonObject(0) : items;
    if (form) {
      MultiMap fields =
          MultiMap.caseInsensitiveMultiMap()
              .add("token", token)
              .add(
                  listField,
                  data instanceof JsonObject o ? o.encode() : ((JsonArray) data).encode());
      if (openApi) {
        fields.add("msgType", "jimi.push.device.alarm");
      }
      return client.postAbs(url).timeout(10_000).sendForm(fields);
    }
    JsonObject body = new JsonObject().put(listField, data);
    if (openApi) {
      body.put("msgType", "jimi.push.device.alarm");
    }
    return client
        .postAbs(url)
        .timeout(10_000)
        .putHeader("X-Jimi-Token", token)
        .sendJsonObject(body);
  }
}
