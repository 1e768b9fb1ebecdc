package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * The one writer of tracksolid.device_assignments (who drove which vehicle when), called by {@link
 * DeviceWriter} in the device sync's transaction right after its upsert. When a device's
 * driver_name or vehicle_number differs from its open assignment, that row closes and a new one
 * opens, both at the sync's clock; a device without any assignment yet opens its first, which
 * reaches back to -infinity so history backfilled before the first sync is attributed to the first
 * driver known. driver_phone and vehicle_name ride along but do not open a row of their own.
 */
final class DeviceAssignmentWriter {
  private static final String CLOSE =
      """
      UPDATE tracksolid.device_assignments a SET valid_to = $2::timestamptz
        FROM tracksolid.devices d
       WHERE d.imei = ANY($1::text[]) AND a.imei = d.imei AND a.valid_to IS NULL
         AND (a.driver_name, a.vehicle_number) IS DISTINCT FROM (d.driver_name, d.vehicle_number)""";

  // A second change at the same instant finds the row it opened closed at that instant (the
  // conflict) and takes it over.
  private static final String OPEN =
      """
      INSERT INTO tracksolid.device_assignments AS a
        (imei, valid_from, valid_to, driver_name, driver_phone, vehicle_number, vehicle_name, recorded_at)
      SELECT d.imei,
             CASE WHEN EXISTS (SELECT 1 FROM tracksolid.device_assignments x WHERE x.imei = d.imei)
                  THEN $2::timestamptz ELSE '-infinity'::timestamptz END,
             NULL, d.driver_name, d.driver_phone, d.vehicle_number, d.vehicle_name, $2::timestamptz
      FROM tracksolid.devices d
      WHERE d.imei = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM tracksolid.device_assignments o WHERE o.imei = d.imei AND o.valid_to IS NULL)
      ORDER BY d.imei
      ON CONFLICT (imei, valid_from) DO UPDATE SET
        valid_to = NULL, driver_name = EXCLUDED.driver_name, driver_phone = EXCLUDED.driver_phone,
        vehicle_number = EXCLUDED.vehicle_number, vehicle_name = EXCLUDED.vehicle_name,
        recorded_at = EXCLUDED.recorded_at""";

  /**
   * Brings the assignments of {@code imeis} in line with their rows in tracksolid.devices, as of
   * {@code now}. Two statements, so the second sees the rows the first closed.
   */
  Future<Void> write(SqlClient client, String[] imeis, Instant now) {
    Tuple params = Tuple.of(imeis, Sql.utc(now));
    return client
        .preparedQuery(CLOSE)
        .execute(params)
        .compose(closed -> client.preparedQuery(OPEN).execute(params))
        .mapEmpty();
  }
}
