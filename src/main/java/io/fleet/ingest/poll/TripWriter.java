package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upserts trips on (imei, start_time) inside the caller's transaction. A point that moved loses the
 * address of its old position and the row goes back to the address backfill.
 */
final class TripWriter {
  private static final String SQL = """
      INSERT INTO tracksolid.trips AS t (imei, start_time, end_time, account, start_lat, start_lng, end_lat, end_lng,
        distance_m, duration_s, avg_speed_kmh, max_speed_kmh, start_address, end_address, source_method,
        received_at, updated_at, raw)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17)
      ON CONFLICT (imei, start_time) DO UPDATE SET
        end_time = EXCLUDED.end_time, account = EXCLUDED.account,
        start_lat = EXCLUDED.start_lat, start_lng = EXCLUDED.start_lng,
        end_lat = EXCLUDED.end_lat, end_lng = EXCLUDED.end_lng,
        distance_m = EXCLUDED.distance_m, duration_s = EXCLUDED.duration_s,
        avg_speed_kmh = EXCLUDED.avg_speed_kmh, max_speed_kmh = EXCLUDED.max_speed_kmh,
        start_address = CASE WHEN t.start_lat IS DISTINCT FROM EXCLUDED.start_lat
                               OR t.start_lng IS DISTINCT FROM EXCLUDED.start_lng
                             THEN EXCLUDED.start_address ELSE COALESCE(EXCLUDED.start_address, t.start_address) END,
        end_address = CASE WHEN t.end_lat IS DISTINCT FROM EXCLUDED.end_lat
                             OR t.end_lng IS DISTINCT FROM EXCLUDED.end_lng
                           THEN EXCLUDED.end_address ELSE COALESCE(EXCLUDED.end_address, t.end_address) END,
        address_attempted_at = CASE WHEN (t.start_lat, t.start_lng, t.end_lat, t.end_lng)
                                         IS DISTINCT FROM (EXCLUDED.start_lat, EXCLUDED.start_lng,
                                                           EXCLUDED.end_lat, EXCLUDED.end_lng)
                                    THEN NULL ELSE t.address_attempted_at END,
        address_tries = CASE WHEN (t.start_lat, t.start_lng, t.end_lat, t.end_lng)
                                  IS DISTINCT FROM (EXCLUDED.start_lat, EXCLUDED.start_lng,
                                                    EXCLUDED.end_lat, EXCLUDED.end_lng)
                             THEN NULL ELSE t.address_tries END,
        address_retry_at = CASE WHEN (t.start_lat, t.start_lng, t.end_lat, t.end_lng)
                                     IS DISTINCT FROM (EXCLUDED.start_lat, EXCLUDED.start_lng,
                                                       EXCLUDED.end_lat, EXCLUDED.end_lng)
                                THEN NULL ELSE t.address_retry_at END,
        source_method = EXCLUDED.source_method, updated_at = EXCLUDED.updated_at, raw = EXCLUDED.raw
      WHERE (t.end_time, t.account, t.start_lat, t.start_lng, t.end_lat, t.end_lng, t.distance_m, t.duration_s,
             t.avg_speed_kmh, t.max_speed_kmh, t.source_method, t.raw)
            IS DISTINCT FROM
            (EXCLUDED.end_time, EXCLUDED.account, EXCLUDED.start_lat, EXCLUDED.start_lng, EXCLUDED.end_lat,
             EXCLUDED.end_lng, EXCLUDED.distance_m, EXCLUDED.duration_s, EXCLUDED.avg_speed_kmh,
             EXCLUDED.max_speed_kmh, EXCLUDED.source_method, EXCLUDED.raw)
         OR (t.start_address IS NULL AND EXCLUDED.start_address IS NOT NULL)
         OR (t.end_address IS NULL AND EXCLUDED.end_address IS NOT NULL)
      RETURNING (xmax = 0) AS inserted""";

  private TripWriter() {
  }

  /** Addresses are keyed by the trip's position in {@code trips}; missing ones stay null. */
  static Future<Counts> upsert(SqlConnection conn, String account, List<Located<VendorRows.Trip>> trips, Instant now) {
    Map<String, Tuple> byKey = new LinkedHashMap<>();
    for (Located<VendorRows.Trip> l : trips) {
      VendorRows.Trip t = l.row();
      // The same trip twice in one page would make ON CONFLICT touch a row twice: last one wins.
      byKey.put(t.imei() + "|" + t.startTime(), Tuple.tuple()
          .addString(t.imei()).addOffsetDateTime(Checkpoints.utc(t.startTime()))
          .addOffsetDateTime(Checkpoints.utc(t.endTime())).addString(account)
          .addDouble(t.startLat()).addDouble(t.startLng()).addDouble(t.endLat()).addDouble(t.endLng())
          .addDouble(t.distanceM()).addInteger(t.durationS()).addDouble(t.avgSpeedKmh()).addDouble(t.maxSpeedKmh())
          .addString(l.startAddress()).addString(l.endAddress()).addString(t.sourceMethod())
          .addOffsetDateTime(Checkpoints.utc(now)).addValue(t.raw()));
    }
    return Upserts.run(conn, SQL, List.copyOf(byKey.values()));
  }
}
