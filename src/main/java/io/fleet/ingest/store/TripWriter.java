package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;

/**
 * Upserts trips on (imei, start_time) in ONE round trip per batch, inside the caller's transaction.
 * A point that moved loses the address of its old position and the row goes back to the address
 * backfill.
 */
public final class TripWriter {
  private static final String SQL =
      """
      INSERT INTO tracksolid.trips AS t (imei, start_time, end_time, account, start_lat, start_lng, end_lat, end_lng,
        distance_m, duration_s, avg_speed_kmh, max_speed_kmh, start_address, end_address, source_method,
        received_at, updated_at, raw)
      SELECT u.imei, u.start_time, u.end_time, u.account, u.start_lat, u.start_lng, u.end_lat, u.end_lng,
             u.distance_m, u.duration_s, u.avg_speed_kmh, u.max_speed_kmh, u.start_address, u.end_address,
             u.source_method, $17::timestamptz, $17::timestamptz, u.raw::jsonb
      FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::float8[], $6::float8[],
                  $7::float8[], $8::float8[], $9::float8[], $10::int4[], $11::float8[], $12::float8[], $13::text[],
                  $14::text[], $15::text[], $16::text[])
        AS u(imei, start_time, end_time, account, start_lat, start_lng, end_lat, end_lng, distance_m, duration_s,
             avg_speed_kmh, max_speed_kmh, start_address, end_address, source_method, raw)
      ON CONFLICT (imei, start_time) DO UPDATE SET
        end_time = EXCLUDED.end_time, account = EXCLUDED.account,
        start_lat = EXCLUDED.start_lat, start_lng = EXCLUDED.start_lng,
        end_lat = EXCLUDED.end_lat, end_lng = EXCLUDED.end_lng,
        distance_m = EXCLUDED.distance_m, duration_s = EXCLUDED.duration_s,
        avg_speed_kmh = EXCLUDED.avg_speed_kmh, max_speed_kmh = EXCLUDED.max_speed_kmh,
      """
          + AddressReset.onConflictSet(AddressReset.TRIPS, "t", AddressReset.Update.REPLACE)
          + """
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

  private static final Comparator<TripRecord> KEY_ORDER =
      Comparator.comparing(TripRecord::imei)
          .thenComparing((TripRecord r) -> r.startTime().truncatedTo(ChronoUnit.MICROS));

  private static final Columns<TripRecord> COLUMNS =
      Columns.<TripRecord>of()
          .text(TripRecord::imei)
          .time(TripRecord::startTime)
          .time(TripRecord::endTime)
          .text(TripRecord::account)
          .float8(TripRecord::startLat)
          .float8(TripRecord::startLng)
          .float8(TripRecord::endLat)
          .float8(TripRecord::endLng)
          .float8(TripRecord::distanceM)
          .int4(TripRecord::durationS)
          .float8(TripRecord::avgSpeedKmh)
          .float8(TripRecord::maxSpeedKmh)
          .text(TripRecord::startAddress)
          .text(TripRecord::endAddress)
          .text(TripRecord::sourceMethod)
          .jsonb(TripRecord::raw);

  /**
   * Writes the batch in one statement; an empty batch makes no round trip. The same trip twice in
   * one page keeps the later one and counts the other as unchanged.
   */
  public Future<WriteResult> write(SqlClient client, Collection<TripRecord> trips, Instant now) {
    return COLUMNS.upsert(
        client, SQL, Sql.unique(trips, KEY_ORDER, true), trips.size(), Sql.utc(now));
  }
}
