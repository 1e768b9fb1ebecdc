package io.fleet.ingest.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One device for tracksolid.devices, keyed on imei; {@code account} is the login account that lists
 * it.
 */
public record DeviceRecord(
    String imei,
    String account,
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
    Boolean vendorEnabled,
    JsonObject raw) {}
