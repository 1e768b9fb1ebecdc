package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One {@code jimi.user.device.list} item of {@code target}. Strings may be null. */
public record VendorDevice(
    String imei,
    String target,
    String deviceName,
    String model,
    String sim,
    String vehicleName,
    String vehicleNumber,
    String driverName,
    String driverPhone,
    String deviceGroupId,
    String deviceGroup,
    Instant expiration,
    Instant activationTime,
    Boolean enabled,
    JsonObject raw) {

  public static VendorDevice from(JsonObject j, String target) {
    return new VendorDevice(
        VendorAlarm.s(j, "imei"),
        target,
        VendorAlarm.s(j, "deviceName"),
        VendorAlarm.s(j, "mcType"),
        VendorAlarm.s(j, "sim"),
        VendorAlarm.s(j, "vehicleName"),
        VendorAlarm.s(j, "vehicleNumber"),
        VendorAlarm.s(j, "driverName"),
        VendorAlarm.s(j, "driverPhone"),
        VendorAlarm.s(j, "deviceGroupId"),
        VendorAlarm.s(j, "deviceGroup"),
        Lenient.time(j, "expiration").orElse(null),
        Lenient.time(j, "activationTime").orElse(null),
        Lenient.flag(j, "enabledFlag").orElse(null),
        j);
  }
}
