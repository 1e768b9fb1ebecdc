package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One {@code jimi.device.alarm.list} item. Natural key: (imei, alertTypeId, alertTime). Fields the
 * vendor left out or sent unparseable are null; {@code raw} keeps the item as received.
 */
public record VendorAlarm(
    String imei,
    String alertTypeId,
    String alertTypeName,
    Instant alertTime,
    String deviceName,
    String model,
    String account,
    Double lat,
    Double lng,
    Double speedKmh,
    Instant positioningTime,
    String geoid,
    JsonObject raw) {

  public static VendorAlarm from(JsonObject j) {
    return new VendorAlarm(
        s(j, "imei"),
        s(j, "alertTypeId"),
        s(j, "alarmTypeName", "alertTypeName"),
        Lenient.time(j, "alertTime").orElse(null),
        s(j, "deviceName"),
        s(j, "model"),
        s(j, "account"),
        Lenient.decimal(j, "lat").orElse(null),
        Lenient.decimal(j, "lng").orElse(null),
        Lenient.decimal(j, "speed").orElse(null),
        Lenient.time(j, "positioningTime").orElse(null),
        s(j, "geoid"),
        j);
  }

  /**
   * The dedupe key as text; null parts print as "null" so broken items never collide with good
   * ones.
   */
  public String key() {
    return imei + "|" + alertTypeId + "|" + alertTime;
  }

  static String s(JsonObject j, String... names) {
    return Lenient.text(j, names).orElse(null);
  }
}
