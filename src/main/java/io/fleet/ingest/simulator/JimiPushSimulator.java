package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
  private final SyntheticFleet fleet;
  private final Clock clock;
  private final String baseUrl;
  private final String token;
  private final Duration interval;
  private final WebClient client;
  private final AtomicLong acknowledged = new AtomicLong();
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
    this.fleet = fleet;
    this.clock = clock;
    this.baseUrl = baseUrl;
    this.token = token;
    this.interval = interval;
    this.client = WebClient.create(vertx);
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
      JsonArray items = items(path, since, now);
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

  private JsonArray items(String path, Instant since, Instant now) {
    JsonArray out = new JsonArray();
    List<Device> devices = fleet.allDevices();
    String gate = Lenient.format(now);
    switch (path) {
      case "pushgps" -> {
        for (Device d : devices) {
          fleet.latest(d.imei()).ifPresent(p -> out.add(fix(p)));
        }
        if (round % 5 == 1 && !devices.isEmpty()) {
          out.add(
              new JsonObject()
                  .put("deviceImei", devices.get(0).imei())
                  .put("gpsTime", gate)
                  .put("lat", 0)
                  .put("lng", 0)
                  .put("gpsSpeed", 0)
                  .put("posType", "GPS"));
        }
      }
      case "pushalarm" ->
          recentAlarms(since, now)
              .forEach(
                  a ->
                      out.add(
                          new JsonObject()
                              .put("deviceImei", a.imei())
                              .put("gateTime", gate)
                              .put("msgClass", "alarm")
                              .put("msg", alarm(a))));
      case "push" -> recentAlarms(since, now).stream().limit(1).forEach(a -> out.add(alarm(a)));
      case "pushhb" ->
          devices.forEach(
              d ->
                  out.add(
                      new JsonObject()
                          .put("imei", d.imei())
                          .put("gateTime", gate)
                          .put("powerLevel", 4 + (d.imei().hashCode() & 1))
                          .put("gsmSign", 3)
                          .put("acc", accOn(d.imei()))));
      case "pushevent" ->
          first(devices)
              .ifPresent(
                  d ->
                      out.add(
                          new JsonObject()
                              .put("imei", d.imei())
                              .put("gateTime", gate)
                              .put("eventType", "doorOpen")
                              .put("eventValue", round % 2)));
      case "pushlbs" ->
          first(devices)
              .ifPresent(
                  d ->
                      out.add(
                          new JsonObject()
                              .put("imei", d.imei())
                              .put("gateTime", gate)
                              .put("mcc", 639)
                              .put("mnc", 2)
                              .put("lac", 10_213)
                              .put("cellId", 40_231 + round % 7)));
      case "pushobd" ->
          first(devices)
              .ifPresent(
                  d ->
                      out.add(
                          new JsonObject()
                              .put("imei", d.imei())
                              .put("gateTime", gate)
                              .put("rpm", 800 + round % 900)
                              .put("coolantTemp", 88)
                              .put("fuelLevel", 61)));
      case "pushtripreport" ->
          first(devices)
              .ifPresent(
                  d ->
                      fleet.trips(List.of(d.imei()), fleet.start(), now).stream()
                          .reduce((a, b) -> b)
                          .ifPresent(
                              t ->
                                  out.add(
                                      new JsonObject()
                                          .put("imei", d.imei())
                                          .put("gateTime", gate)
                                          .put("startTime", Lenient.format(t.startTime()))
                                          .put("endTime", Lenient.format(t.endTime()))
                                          .put("mileage", t.distanceM()))));
      case "pushoil" ->
          first(devices)
              .ifPresent(
                  d ->
                      out.add(
                          new JsonObject()
                              .put("imei", d.imei())
                              .put("gateTime", gate)
                              .put("oilPercent", 55 + round % 10)));
      case "pushtem" ->
          first(devices)
              .ifPresent(
                  d ->
                      out.add(
                          new JsonObject()
                              .put("imei", d.imei())
                              .put("gateTime", gate)
                              .put("temperature", 4.5 + (round % 3) / 2.0)));
      default -> throw new IllegalArgumentException(path);
    }
    return out;
  }

  /**
   * Alarms raised since the last round, or else the fleet's latest one (a repeat is stored once).
   */
  private List<Alarm> recentAlarms(Instant since, Instant now) {
    List<Alarm> recent = fleet.alarms(since.plusSeconds(1), now);
    if (!recent.isEmpty()) {
      return recent;
    }
    List<Alarm> all = fleet.alarms(fleet.start(), now);
    return all.isEmpty() ? List.of() : new ArrayList<>(all.subList(all.size() - 1, all.size()));
  }

  private boolean accOn(String imei) {
    return fleet.latest(imei).map(Position::accOn).orElse(false)
        && fleet
            .latest(imei)
            .map(p -> Duration.between(p.gpsTime(), clock.instant()).toMinutes() < 2)
            .orElse(false);
  }

  private static JsonObject fix(Position p) {
    return new JsonObject()
        .put("deviceImei", p.imei())
        .put("gpsTime", Lenient.format(p.gpsTime()))
        .put("lat", p.lat())
        .put("lng", p.lng())
        .put("gpsSpeed", p.speedKmh())
        .put("direction", p.direction())
        .put("acc", p.accOn() ? "1" : "0")
        .put("posType", "GPS");
  }

  private static JsonObject alarm(Alarm a) {
    return new JsonObject()
        .put("imei", a.imei())
        .put("alarmType", a.alertTypeId())
        .put("alarmName", a.alertTypeName())
        .put("alarmTime", Lenient.format(a.alertTime()))
        .put("lat", a.lat())
        .put("lng", a.lng())
        .put("speed", a.speedKmh());
  }

  private static Optional<Device> first(List<Device> devices) {
    return devices.stream().findFirst();
  }
}
