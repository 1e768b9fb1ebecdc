package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One {@code jimi.open.platform.report.parking} row. {@code accType} is the request's acc_type:
 * "off" is parking ({@code kind} "parking"), "on" is idling ({@code kind} "idling"). Natural key:
 * (imei, accType, startTime).
 */
public record VendorParking(
    String imei,
    String accType,
    Instant startTime,
    Instant endTime,
    Integer durationS,
    Integer stopS,
    Double lat,
    Double lng,
    String address,
    String deviceName,
    JsonObject raw) {

  public static VendorParking from(JsonObject j, String accType) {
    return new VendorParking(
        VendorAlarm.s(j, "imei"),
        accType,
        Lenient.time(j, "startTime").orElse(null),
        Lenient.time(j, "endTime").orElse(null),
        Lenient.integer(j, "durSecond").orElse(null),
        Lenient.integer(j, "stopSecond").orElse(null),
        Lenient.decimal(j, "lat").orElse(null),
        Lenient.decimal(j, "lng").orElse(null),
        VendorAlarm.s(j, "addr"),
        VendorAlarm.s(j, "deviceName"),
        j);
  }

  /** The {@code tracksolid.parking.kind} value. */
  public String kind() {
    return "on".equals(accType) ? "idling" : "parking";
  }

  public String key() {
    return imei + "|" + accType + "|" + startTime;
  }
}
