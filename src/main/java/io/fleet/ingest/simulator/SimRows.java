package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One vendor row per fleet record, with the vendor's field names. Odd-numbered devices send numbers
 * as strings and the alternative spellings ({@code alertTypeName}, {@code elapsed}) so clients meet
 * both. Each call builds a new object, so a caller may change it.
 */
final class SimRows {
  static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private SimRows() {}

  /** A {@code jimi.device.alarm.list} result item. */
  static JsonObject alarm(Alarm a, Device d) {
    boolean odd = odd(a.imei());
    return new JsonObject()
        .put("imei", a.imei())
        .put("deviceName", d.name())
        .put("model", d.model())
        .put("account", d.target())
        .put("alertTypeId", a.alertTypeId())
        .put(odd ? "alertTypeName" : "alarmTypeName", a.alertTypeName())
        .put("alertTime", Lenient.format(a.alertTime()))
        .put("positioningTime", Lenient.format(a.alertTime()))
        .put("lat", num(a.lat(), odd))
        .put("lng", num(a.lng(), odd))
        .put("speed", fmt(a.speedKmh()))
        .put("geoid", "")
        .put("vendorExtra", "ignored");
  }

  /** A {@code jimi.device.track.mileage} result item. */
  static JsonObject mileage(Trip t) {
    boolean odd = odd(t.imei());
    return trip(t, odd)
        .put(odd ? "elapsed" : "runTimeSecond", odd ? fmt(t.durationS()) : t.durationS())
        .put("distance", num(t.distanceM(), odd))
        .put("avgSpeed", num(t.avgSpeedKmh(), odd))
        .put("maxSpeed", num(t.maxSpeedKmh(), odd));
  }

  /** A {@code jimi.open.platform.report.trips} dayData item: every value a string. */
  static JsonObject reportTrip(Trip t) {
    return trip(t, true)
        .put("totalMileage", fmt(t.distanceM() / 1000.0))
        .put("travelTime", fmt(t.durationS()))
        .put("averageSpeed", fmt(t.avgSpeedKmh()))
        .put("maxSpeed", fmt(t.maxSpeedKmh()))
        .put("oilWear", "0")
        .put("fuel", "0");
  }

  /** A {@code jimi.open.platform.report.parking} row. */
  static JsonObject stop(Stop s, Device d) {
    return new JsonObject()
        .put("imei", s.imei())
        .put("deviceName", d.name())
        .put("mcType", d.model())
        .put("startTime", ISO_MILLIS.format(s.startTime()))
        .put("endTime", ISO_MILLIS.format(s.endTime()))
        .put("durSecond", fmt(s.durationS()))
        .put("stopSecond", fmt(s.durationS()))
        .put("lat", s.lat())
        .put("lng", s.lng())
        .put("addr", "Simulated Rd " + (s.imei().hashCode() & 0xff))
        .put("acc", s.accType().equals("on") ? "1" : "0");
  }

  /** A {@code jimi.user.device.list} result item. */
  static JsonObject device(Device d) {
    return new JsonObject()
        .put("imei", d.imei())
        .put("deviceName", d.name())
        .put("mcType", d.model())
        .put("mcTypeUseScope", "automobile")
        .put("sim", "2547" + d.imei().substring(7))
        .put("reMark", null)
        .put("expiration", "2030-01-01 00:00:00")
        .put("activationTime", "2024-01-01 00:00:00")
        .put("vehicleName", "Truck " + d.name())
        .put("vehicleNumber", "K" + d.imei().substring(10))
        .put("driverName", null)
        .put("driverPhone", null)
        .put("enabledFlag", 1)
        .put("deviceGroupId", "0")
        .put("deviceGroup", "Default group");
  }

  /** A {@code jimi.user.device.location.list} result item: the device's latest fix. */
  static JsonObject location(Position pos, Device d) {
    boolean odd = odd(d.imei());
    return new JsonObject()
        .put("imei", d.imei())
        .put("deviceName", d.name())
        .put("status", "1")
        .put("lat", num(pos.lat(), odd))
        .put("lng", num(pos.lng(), odd))
        .put("posType", "GPS")
        .put("gpsTime", Lenient.format(pos.gpsTime()))
        .put("hbTime", Lenient.format(pos.gpsTime()))
        .put("speed", fmt(pos.speedKmh()))
        .put("accStatus", pos.accOn() ? "1" : "0")
        .put("direction", fmt(pos.direction()))
        .put("gpsNum", "9")
        .put("gpsSignal", "4");
  }

  /** A {@code jimi.device.track.list} result item; the IMEI is the request's, not the row's. */
  static JsonObject point(Position pos) {
    return new JsonObject()
        .put("lat", pos.lat())
        .put("lng", pos.lng())
        .put("gpsTime", Lenient.format(pos.gpsTime()))
        .put("direction", pos.direction())
        .put("gpsSpeed", fmt(pos.speedKmh()))
        .put("posType", "1")
        .put("satellite", 9)
        .put("accStatus", pos.accOn() ? "ON" : "OFF")
        .put("gpsMode", 0);
  }

  private static JsonObject trip(Trip t, boolean asStrings) {
    return new JsonObject()
        .put("imei", t.imei())
        .put("startTime", Lenient.format(t.startTime()))
        .put("endTime", Lenient.format(t.endTime()))
        .put("startLat", num(t.startLat(), asStrings))
        .put("startLng", num(t.startLng(), asStrings))
        .put("endLat", num(t.endLat(), asStrings))
        .put("endLng", num(t.endLng(), asStrings));
  }

  private static boolean odd(String imei) {
    return (imei.charAt(imei.length() - 1) - '0') % 2 == 1;
  }

  private static Object num(double v, boolean asString) {
    return asString ? fmt(v) : v;
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
