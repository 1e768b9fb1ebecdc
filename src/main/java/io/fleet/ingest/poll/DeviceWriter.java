package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upserts devices on imei and, only when the caller vouches that every target listed cleanly,
 * disables the account's devices absent from all lists. A returning device is re-enabled by
 * its upsert.
 */
final class DeviceWriter {
  private static final String UPSERT = """
      INSERT INTO tracksolid.devices AS d (imei, account, device_name, model, sim, vehicle_name, vehicle_number,
        driver_name, driver_phone, device_group_id, device_group, expiration, activation_time, vendor_enabled,
        active, disabled_at, first_seen_at, last_seen_at, updated_at, raw)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, true, NULL, $15, $15, $15, $16)
      ON CONFLICT (imei) DO UPDATE SET
        account = EXCLUDED.account, device_name = EXCLUDED.device_name, model = EXCLUDED.model, sim = EXCLUDED.sim,
        vehicle_name = EXCLUDED.vehicle_name, vehicle_number = EXCLUDED.vehicle_number,
        driver_name = EXCLUDED.driver_name, driver_phone = EXCLUDED.driver_phone,
        device_group_id = EXCLUDED.device_group_id, device_group = EXCLUDED.device_group,
        expiration = EXCLUDED.expiration, activation_time = EXCLUDED.activation_time,
        vendor_enabled = EXCLUDED.vendor_enabled, active = true, disabled_at = NULL,
        last_seen_at = EXCLUDED.last_seen_at, updated_at = EXCLUDED.updated_at, raw = EXCLUDED.raw
      WHERE (d.account, d.device_name, d.model, d.sim, d.vehicle_name, d.vehicle_number, d.driver_name,
             d.driver_phone, d.device_group_id, d.device_group, d.expiration, d.activation_time, d.vendor_enabled,
             d.active, d.raw)
            IS DISTINCT FROM
            (EXCLUDED.account, EXCLUDED.device_name, EXCLUDED.model, EXCLUDED.sim, EXCLUDED.vehicle_name,
             EXCLUDED.vehicle_number, EXCLUDED.driver_name, EXCLUDED.driver_phone, EXCLUDED.device_group_id,
             EXCLUDED.device_group, EXCLUDED.expiration, EXCLUDED.activation_time, EXCLUDED.vendor_enabled,
             true, EXCLUDED.raw)
      RETURNING (xmax = 0) AS inserted""";
  // last_seen_at only moves for rows that really changed above; a cheap touch keeps it honest for the rest.
  private static final String TOUCH = """
      UPDATE tracksolid.devices SET last_seen_at = $2 WHERE imei = ANY($1) AND last_seen_at < $2""";
  private static final String ACTIVE_COUNT = "SELECT count(*) FROM tracksolid.devices WHERE account = $1 AND active";
  private static final String DISABLE = """
      UPDATE tracksolid.devices SET active = false, disabled_at = $3, updated_at = $3
      WHERE account = $1 AND active AND NOT (imei = ANY($2))
      RETURNING imei""";

  private DeviceWriter() {
  }

  static Future<Counts> upsert(SqlConnection conn, String account, List<VendorRows.Device> devices, Instant now) {
    Map<String, Tuple> byImei = new LinkedHashMap<>();
    for (VendorRows.Device d : devices) {
      byImei.put(d.imei(), Tuple.tuple()
          .addString(d.imei()).addString(account).addString(d.deviceName()).addString(d.model()).addString(d.sim())
          .addString(d.vehicleName()).addString(d.vehicleNumber()).addString(d.driverName())
          .addString(d.driverPhone()).addString(d.deviceGroupId()).addString(d.deviceGroup())
          .addOffsetDateTime(Checkpoints.utc(d.expiration())).addOffsetDateTime(Checkpoints.utc(d.activationTime()))
          .addBoolean(d.vendorEnabled()).addOffsetDateTime(Checkpoints.utc(now)).addValue(d.raw()));
    }
    String[] imeis = byImei.keySet().toArray(String[]::new);
    return Upserts.run(conn, UPSERT, List.copyOf(byImei.values()))
        .compose(c -> conn.preparedQuery(TOUCH).execute(Tuple.of(imeis, Checkpoints.utc(now))).map(c));
  }

  /** How many of the account's devices are active and not in {@code seen}, without changing them. */
  static Future<Long> activeCount(SqlConnection conn, String account) {
    return conn.preparedQuery(ACTIVE_COUNT).execute(Tuple.of(account))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Disables the account's active devices not in {@code seen}; returns the IMEIs disabled. */
  static Future<List<String>> disableAbsent(SqlConnection conn, String account, Set<String> seen, Instant now) {
    return conn.preparedQuery(DISABLE)
        .execute(Tuple.of(account, seen.toArray(String[]::new), Checkpoints.utc(now)))
        .map(rows -> {
          List<String> out = new java.util.ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }
}
