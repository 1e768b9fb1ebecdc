package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upserts parking and idling periods on (imei, kind, start_time) inside the caller's transaction. A
 * stop that moved loses the address of its old position and goes back to the address backfill.
 */
final class ParkingWriter {
  private static final String SQL = """
      INSERT INTO tracksolid.parking AS p (imei, kind, start_time, end_time, account, duration_s, stop_s, lat, lng,
        vendor_address, address, received_at, updated_at, raw)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
      ON CONFLICT (imei, kind, start_time) DO UPDATE SET
        end_time = EXCLUDED.end_time, account = EXCLUDED.account, duration_s = EXCLUDED.duration_s,
        stop_s = EXCLUDED.stop_s, lat = EXCLUDED.lat, lng = EXCLUDED.lng, vendor_address = EXCLUDED.vendor_address,
        address = CASE WHEN p.lat IS DISTINCT FROM EXCLUDED.lat OR p.lng IS DISTINCT FROM EXCLUDED.lng
                       THEN EXCLUDED.address ELSE COALESCE(EXCLUDED.address, p.address) END,
        address_attempted_at = CASE WHEN p.lat IS DISTINCT FROM EXCLUDED.lat OR p.lng IS DISTINCT FROM EXCLUDED.lng
                                    THEN NULL ELSE p.address_attempted_at END,
        address_tries = CASE WHEN p.lat IS DISTINCT FROM EXCLUDED.lat OR p.lng IS DISTINCT FROM EXCLUDED.lng
                             THEN NULL ELSE p.address_tries END,
        address_retry_at = CASE WHEN p.lat IS DISTINCT FROM EXCLUDED.lat OR p.lng IS DISTINCT FROM EXCLUDED.lng
                                THEN NULL ELSE p.address_retry_at END,
        updated_at = EXCLUDED.updated_at, raw = EXCLUDED.raw
      WHERE (p.end_time, p.account, p.duration_s, p.stop_s, p.lat, p.lng, p.vendor_address, p.raw)
            IS DISTINCT FROM
            (EXCLUDED.end_time, EXCLUDED.account, EXCLUDED.duration_s, EXCLUDED.stop_s, EXCLUDED.lat, EXCLUDED.lng,
             EXCLUDED.vendor_address, EXCLUDED.raw)
         OR (p.address IS NULL AND EXCLUDED.address IS NOT NULL)
      RETURNING (xmax = 0) AS inserted""";

  private ParkingWriter() {
  }

  static Future<Counts> upsert(SqlConnection conn, String account, List<Located<VendorRows.Stop>> stops, Instant now) {
    Map<String, Tuple> byKey = new LinkedHashMap<>();
    for (Located<VendorRows.Stop> l : stops) {
      VendorRows.Stop s = l.row();
      byKey.put(s.imei() + "|" + s.kind() + "|" + s.startTime(), Tuple.tuple()
          .addString(s.imei()).addString(s.kind().column()).addOffsetDateTime(Checkpoints.utc(s.startTime()))
          .addOffsetDateTime(Checkpoints.utc(s.endTime())).addString(account).addInteger(s.durationS())
          .addInteger(s.stopS()).addDouble(s.lat()).addDouble(s.lng()).addString(s.vendorAddress())
          .addString(l.startAddress()).addOffsetDateTime(Checkpoints.utc(now)).addValue(s.raw()));
    }
    return Upserts.run(conn, SQL, List.copyOf(byKey.values()));
  }
}
