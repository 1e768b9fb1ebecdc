package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;

/**
 * Upserts fixes into tracksolid.position_history on (imei, gps_time) in ONE round trip per batch. A
 * fix seen again only fills columns still NULL; the first source and coordinates stay.
 */
public final class PositionWriter {
  private static final String UPSERT =
      """
      INSERT INTO tracksolid.position_history AS p
        (imei, gps_time, lat, lng, speed_kmh, direction, pos_type, acc, satellites, source, raw)
      SELECT u.imei, u.gps_time, u.lat, u.lng, u.speed_kmh, u.direction, u.pos_type, u.acc, u.satellites,
             u.source, u.raw::jsonb
      FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::int4[],
                  $7::text[], $8::bool[], $9::int4[], $10::text[], $11::text[])
        AS u(imei, gps_time, lat, lng, speed_kmh, direction, pos_type, acc, satellites, source, raw)
      ON CONFLICT (imei, gps_time) DO UPDATE SET
        speed_kmh  = COALESCE(p.speed_kmh, EXCLUDED.speed_kmh),
        direction  = COALESCE(p.direction, EXCLUDED.direction),
        pos_type   = COALESCE(p.pos_type, EXCLUDED.pos_type),
        acc        = COALESCE(p.acc, EXCLUDED.acc),
        satellites = COALESCE(p.satellites, EXCLUDED.satellites),
        raw        = COALESCE(p.raw, EXCLUDED.raw)
      WHERE (p.speed_kmh IS NULL AND EXCLUDED.speed_kmh IS NOT NULL)
         OR (p.direction IS NULL AND EXCLUDED.direction IS NOT NULL)
         OR (p.pos_type IS NULL AND EXCLUDED.pos_type IS NOT NULL)
         OR (p.acc IS NULL AND EXCLUDED.acc IS NOT NULL)
         OR (p.satellites IS NULL AND EXCLUDED.satellites IS NOT NULL)
         OR (p.raw IS NULL AND EXCLUDED.raw IS NOT NULL)
      RETURNING (xmax = 0) AS inserted
      """;

  private static final Comparator<PositionRecord> KEY_ORDER =
      Comparator.comparing(PositionRecord::imei)
          .thenComparing((PositionRecord r) -> r.gpsTime().truncatedTo(ChronoUnit.MICROS));

  private static final Columns<PositionRecord> COLUMNS =
      Columns.<PositionRecord>of()
          .text(PositionRecord::imei)
          .time(PositionRecord::gpsTime)
          .float8(PositionRecord::lat)
          .float8(PositionRecord::lng)
          .float8(PositionRecord::speedKmh)
          .int4(PositionRecord::direction)
          .text(PositionRecord::posType)
          .bool(PositionRecord::acc)
          .int4(PositionRecord::satellites)
          .text(r -> r.source().column())
          .jsonb(PositionRecord::raw);

  /** Writes the batch; an empty batch makes no round trip. Repeats of a key keep the first. */
  public Future<WriteResult> write(SqlClient client, Collection<PositionRecord> positions) {
    return COLUMNS.upsert(
        client, UPSERT, Sql.unique(positions, KEY_ORDER, false), positions.size());
  }
}
