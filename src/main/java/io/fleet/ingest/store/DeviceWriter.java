package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Upserts devices on imei and, only when the caller vouches that every target listed cleanly,
 * disables the account's devices absent from all lists. A returning device is re-enabled by its
 * upsert. Each upsert also keeps the assignment history ({@link DeviceAssignmentWriter}) in the
 * same transaction.
 */
public final class DeviceWriter {
  private static final String UPSERT =
      """
      INSERT INTO tracksolid.devices AS d (imei, account, device_name, model, sim, vehicle_name, vehicle_number,
        driver_name, driver_phone, device_group_id, device_group, expiration, activation_time, vendor_enabled,
        active, disabled_at, first_seen_at, last_seen_at, updated_at, raw)
      SELECT u.imei, u.account, u.device_name, u.model, u.sim, u.vehicle_name, u.vehicle_number, u.driver_name,
             u.driver_phone, u.device_group_id, u.device_group, u.expiration, u.activation_time, u.vendor_enabled,
             true, NULL, $16::timestamptz, $16::timestamptz, $16::timestamptz, u.raw::jsonb
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::bool[],
                  $15::text[])
        AS u(imei, account, device_name, model, sim, vehicle_name, vehicle_number, driver_name, driver_phone,
             device_group_id, device_group, expiration, activation_time, vendor_enabled, raw)
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
  // last_seen_at only moves for rows that really changed above; a cheap touch keeps it honest for
  // the rest.
  private static final String TOUCH =
      """
      UPDATE tracksolid.devices SET last_seen_at = $2 WHERE imei = ANY($1) AND last_seen_at < $2""";
  private static final String ACTIVE_COUNT =
      "SELECT count(*) FROM tracksolid.devices WHERE account = $1 AND active";
  private static final String DISABLE =
      """
      UPDATE tracksolid.devices SET active = false, disabled_at = $3, updated_at = $3
      WHERE account = $1 AND active AND NOT (imei = ANY($2))
      RETURNING imei""";

  private static final Columns<DeviceRecord> COLUMNS =
      Columns.<DeviceRecord>of()
          .text(DeviceRecord::imei)
          .text(DeviceRecord::account)
          .text(DeviceRecord::deviceName)
          .text(DeviceRecord::model)
          .text(DeviceRecord::sim)
          .text(DeviceRecord::vehicleName)
          .text(DeviceRecord::vehicleNumber)
          .text(DeviceRecord::driverName)
          .text(DeviceRecord::driverPhone)
          .text(DeviceRecord::deviceGroupId)
          .text(DeviceRecord::deviceGroup)
          .time(DeviceRecord::expiration)
          .time(DeviceRecord::activationTime)
          .bool(DeviceRecord::vendorEnabled)
          .jsonb(DeviceRecord::raw);

  private final DeviceAssignmentWriter assignments = new DeviceAssignmentWriter();

  /**
   * Upserts the batch in one statement, records driver and vehicle changes in the assignment
   * history, then touches last_seen_at of the rows that did not change.
   */
  public Future<WriteResult> write(
      SqlClient client, Collection<DeviceRecord> devices, Instant now) {
    List<DeviceRecord> rows = Sql.unique(devices, Comparator.comparing(DeviceRecord::imei), true);
    if (rows.isEmpty()) {
      return Future.succeededFuture(WriteResult.NONE);
    }
    String[] imeis = rows.stream().map(d -> Sql.text(d.imei())).toArray(String[]::new);
    return COLUMNS
        .upsert(client, UPSERT, rows, devices.size(), Sql.utc(now))
        .compose(c -> assignments.write(client, imeis, now).map(c))
        .compose(c -> client.preparedQuery(TOUCH).execute(Tuple.of(imeis, Sql.utc(now))).map(c));
  }

  /**
   * How many of the account's devices are active and not in {@code seen}, without changing them.
   */
  public Future<Long> activeCount(SqlClient conn, String account) {
    return conn.preparedQuery(ACTIVE_COUNT)
        .execute(Tuple.of(account))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Disables the account's active devices not in {@code seen}; returns the IMEIs disabled. */
  public Future<List<String>> disableAbsent(
      SqlClient conn, String account, Set<String> seen, Instant now) {
    return conn.preparedQuery(DISABLE)
        .execute(
            Tuple.of(account, seen.stream().map(Sql::text).toArray(String[]::new), Sql.utc(now)))
        .map(
            rows -> {
              List<String> out = new java.util.ArrayList<>();
              rows.forEach(r -> out.add(r.getString(0)));
              return out;
            });
  }
}
