package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the demo's push side posts to each webhook path, taken from the synthetic fleet: its latest
 * fixes, heartbeats and alarms, one message of every other IoT-Hub type, and now and then a fix at
 * 0,0 for the quarantine to catch.
 */
final class PushContents {
  private final SyntheticFleet fleet;
  private final Clock clock;

  PushContents(SyntheticFleet fleet, Clock clock) {
    this.fleet = fleet;
    this.clock = clock;
  }

  /** The items to post to {@code path} in round {@code round}: what happened since the last one. */
  JsonArray items(String path, Instant since, Instant now, long round) {
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
          firstDevice(
              devices, gate, out, o -> o.put("eventType", "doorOpen").put("eventValue", round % 2));
      case "pushlbs" ->
          firstDevice(
              devices,
              gate,
              out,
              o ->
                  o.put("mcc", 639)
                      .put("mnc", 2)
                      .put("lac", 10_213)
                      .put("cellId", 40_231 + round % 7));
      case "pushobd" ->
          firstDevice(
              devices,
              gate,
              out,
              o -> o.put("rpm", 800 + round % 900).put("coolantTemp", 88).put("fuelLevel", 61));
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
      case "pushoil" -> firstDevice(devices, gate, out, o -> o.put("oilPercent", 55 + round % 10));
      case "pushtem" ->
          firstDevice(devices, gate, out, o -> o.put("temperature", 4.5 + (round % 3) / 2.0));
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

  /** One message from the fleet's first device, with the fields {@code fields} adds. */
  private static void firstDevice(
      List<Device> devices, String gate, JsonArray out, UnaryOperator<JsonObject> fields) {
    first(devices)
        .ifPresent(
            d ->
                out.add(
                    fields.apply(new JsonObject().put("imei", d.imei()).put("gateTime", gate))));
  }

  private static Optional<Device> first(List<Device> devices) {
    return devices.stream().findFirst();
  }
}
