package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One {@code jimi.device.track.list} fix of {@code imei}. Natural key: (imei, gpsTime). */
public record VendorTrackPoint(
    String imei,
    Instant gpsTime,
    Double lat,
    Double lng,
    Double speedKmh,
    Integer direction,
    String posType,
    Boolean accOn,
    Integer satellites,
    JsonObject raw) {

  public static VendorTrackPoint from(JsonObject j, String imei) {
    Double speed = Lenient.decimal(j, "gpsSpeed", "speed").filter(s -> s >= 0).orElse(null);
    return new VendorTrackPoint(
        Lenient.text(j, "imei").orElse(imei),
        Lenient.time(j, "gpsTime").orElse(null),
        Lenient.decimal(j, "lat").orElse(null),
        Lenient.decimal(j, "lng").orElse(null),
        speed,
        Lenient.integer(j, "direction").orElse(null),
        posType(VendorAlarm.s(j, "posType")),
        Lenient.flag(j, "accStatus", "ignition").orElse(null),
        Lenient.integer(j, "satellite").orElse(null),
        j);
  }

  /** track.list numbers the position type (1 GPS, 2 LBS, 3 WIFI); the location list spells it. */
  static String posType(String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "1" -> "GPS";
      case "2" -> "LBS";
      case "3" -> "WIFI";
      default -> raw;
    };
  }
}
