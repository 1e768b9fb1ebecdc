package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One {@code jimi.user.device.location.list} item: a device's latest fix. Natural key: (imei,
 * gpsTime).
 */
public record VendorLocation(
    String imei,
    String deviceName,
    Instant gpsTime,
    Instant hbTime,
    Double lat,
    Double lng,
    Double speedKmh,
    Integer direction,
    String posType,
    Boolean accOn,
    Boolean online,
    Integer satellites,
    JsonObject raw) {

  public static VendorLocation from(JsonObject j) {
    return new VendorLocation(
        VendorAlarm.s(j, "imei"),
        VendorAlarm.s(j, "deviceName"),
        Lenient.time(j, "gpsTime").orElse(null),
        Lenient.time(j, "hbTime").orElse(null),
        Lenient.decimal(j, "lat").orElse(null),
        Lenient.decimal(j, "lng").orElse(null),
        Lenient.decimal(j, "speed").orElse(null),
        Lenient.integer(j, "direction").orElse(null),
        VendorAlarm.s(j, "posType"),
        Lenient.flag(j, "accStatus").orElse(null),
        Lenient.flag(j, "status").orElse(null),
        Lenient.integer(j, "gpsNum").orElse(null),
        j);
  }
}
