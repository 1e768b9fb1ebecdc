package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.DeviceRecord;
import io.vertx.core.json.JsonObject;

/** One {@code jimi.user.device.list} item as the store's {@link DeviceRecord}. */
final class DeviceParser {
  private DeviceParser() {}

  static DeviceRecord parse(JsonObject item, String account) {
    return new DeviceRecord(
        Lenient.text(item, "imei").orElse(null),
        account,
        Lenient.text(item, "deviceName").orElse(null),
        Lenient.text(item, "mcType").orElse(null),
        Lenient.text(item, "sim").orElse(null),
        Lenient.text(item, "vehicleName").orElse(null),
        Lenient.text(item, "vehicleNumber").orElse(null),
        Lenient.text(item, "driverName").orElse(null),
        Lenient.text(item, "driverPhone").orElse(null),
        Lenient.text(item, "deviceGroupId").orElse(null),
        Lenient.text(item, "deviceGroup").orElse(null),
        Lenient.time(item, "expiration").orElse(null),
        Lenient.time(item, "activationTime").orElse(null),
        Lenient.flag(item, "enabledFlag").orElse(null),
        item);
  }
}
