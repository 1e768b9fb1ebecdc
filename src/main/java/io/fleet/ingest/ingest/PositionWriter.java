package io.fleet.ingest.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Upserts fixes into tracksolid.position_history on (imei, gps_time) in ONE round trip per batch.
 * A fix seen again only fills columns still NULL; the first source and coordinates stay.
 */
public final class PositionWriter {
  private static final String UPSERT = """
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

  private static final Comparator<PositionRecord> KEY_ORDER = Comparator.comparing(PositionRecord::imei)
      .thenComparing((PositionRecord r) -> r.gpsTime().truncatedTo(ChronoUnit.MICROS));

  /** Writes the batch; an empty batch makes no round trip. Repeats of a key keep the first. */
  public Future<WriteResult> write(SqlClient client, Collection<PositionRecord> positions) {
    // Sorted by key, so two batches that share keys lock them in the same order and cannot deadlock.
    Map<PositionRecord, PositionRecord> unique = new TreeMap<>(KEY_ORDER);
    for (PositionRecord p : positions) {
      unique.putIfAbsent(p, p);
    }
    if (unique.isEmpty()) {
      return Future.succeededFuture(WriteResult.NONE);
    }
    List<PositionRecord> rows = List.copyOf(unique.values());
    int n = rows.size();
    String[] imei = new String[n];
    OffsetDateTime[] time = new OffsetDateTime[n];
    Double[] lat = new Double[n];
    Double[] lng = new Double[n];
    Double[] speed = new Double[n];
    Integer[] direction = new Integer[n];
    String[] posType = new String[n];
    Boolean[] acc = new Boolean[n];
    Integer[] satellites = new Integer[n];
    String[] source = new String[n];
    String[] raw = new String[n];
    for (int i = 0; i < n; i++) {
      PositionRecord r = rows.get(i);
      imei[i] = Sql.text(r.imei());
      time[i] = Sql.utc(r.gpsTime());
      lat[i] = r.lat();
      lng[i] = r.lng();
      speed[i] = r.speedKmh();
      direction[i] = r.direction();
      posType[i] = Sql.text(r.posType());
      acc[i] = r.acc();
      satellites[i] = r.satellites();
      source[i] = r.source().column();
      raw[i] = r.raw() == null ? null : Sql.jsonb(r.raw());
    }
    Tuple params = Tuple.tuple().addValue(imei).addValue(time).addValue(lat).addValue(lng).addValue(speed)
        .addValue(direction).addValue(posType).addValue(acc).addValue(satellites).addValue(source).addValue(raw);
    int duplicates = positions.size() - n;
    return client.preparedQuery(UPSERT).execute(params).map(result -> {
      int[] iu = Sql.insertedUpdated(result);
      return new WriteResult(iu[0], iu[1], n - iu[0] - iu[1] + duplicates);
    });
  }
}
