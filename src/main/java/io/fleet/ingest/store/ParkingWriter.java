package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;

/**
 * Upserts parking and idling periods on (imei, kind, start_time) in ONE round trip per batch,
 * inside the caller's transaction. A stop that moved loses the address of its old position and goes
 * back to the address backfill.
 */
public final class ParkingWriter {
  private static final String SQL =
      """
      INSERT INTO tracksolid.parking AS p (imei, kind, start_time, end_time, account, duration_s, stop_s, lat, lng,
        vendor_address, address, received_at, updated_at, raw)
      SELECT u.imei, u.kind, u.start_time, u.end_time, u.account, u.duration_s, u.stop_s, u.lat, u.lng,
             u.vendor_address, u.address, $13::timestamptz, $13::timestamptz, u.raw::jsonb
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::int4[], $7::int4[],
                  $8::float8[], $9::float8[], $10::text[], $11::text[], $12::text[])
        AS u(imei, kind, start_time, end_time, account, duration_s, stop_s, lat, lng, vendor_address, address, raw)
      ON CONFLICT (imei, kind, start_time) DO UPDATE SET
        end_time = EXCLUDED.end_time, account = EXCLUDED.account, duration_s = EXCLUDED.duration_s,
        stop_s = EXCLUDED.stop_s, lat = EXCLUDED.lat, lng = EXCLUDED.lng, vendor_address = EXCLUDED.vendor_address,
      """
          + AddressReset.onConflictSet(AddressReset.PARKING, "p", AddressReset.Update.REPLACE)
          + """
        updated_at = EXCLUDED.updated_at, raw = EXCLUDED.raw
      WHERE (p.end_time, p.account, p.duration_s, p.stop_s, p.lat, p.lng, p.vendor_address, p.raw)
            IS DISTINCT FROM
            (EXCLUDED.end_time, EXCLUDED.account, EXCLUDED.duration_s, EXCLUDED.stop_s, EXCLUDED.lat, EXCLUDED.lng,
             EXCLUDED.vendor_address, EXCLUDED.raw)
         OR (p.address IS NULL AND EXCLUDED.address IS NOT NULL)
      RETURNING (xmax = 0) AS inserted""";

  private static final Comparator<ParkingRecord> KEY_ORDER =
      Comparator.comparing(ParkingRecord::imei)
          .thenComparing(ParkingRecord::kind)
          .thenComparing((ParkingRecord r) -> r.startTime().truncatedTo(ChronoUnit.MICROS));

  private static final Columns<ParkingRecord> COLUMNS =
      Columns.<ParkingRecord>of()
          .text(ParkingRecord::imei)
          .text(r -> r.kind().column())
          .time(ParkingRecord::startTime)
          .time(ParkingRecord::endTime)
          .text(ParkingRecord::account)
          .int4(ParkingRecord::durationS)
          .int4(ParkingRecord::stopS)
          .float8(ParkingRecord::lat)
          .float8(ParkingRecord::lng)
          .text(ParkingRecord::vendorAddress)
          .text(ParkingRecord::address)
          .jsonb(ParkingRecord::raw);

  /**
   * Writes the batch in one statement; a stop listed twice keeps the later one and counts the other
   * unchanged.
   */
  public Future<WriteResult> write(SqlClient client, Collection<ParkingRecord> stops, Instant now) {
    return COLUMNS.upsert(
        client, SQL, Sql.unique(stops, KEY_ORDER, true), stops.size(), Sql.utc(now));
  }
}
