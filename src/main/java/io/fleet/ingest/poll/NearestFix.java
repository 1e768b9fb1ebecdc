package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 2: one short read on the pool (no transaction) for the last stored fix at or before each
 * asked time, to fill points the vendor left out.
 */
final class NearestFix {
  private static final String SQL =
      """
      SELECT k.i, p.lat, p.lng
      FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS k(imei, t, i)
      CROSS JOIN LATERAL (
        SELECT lat, lng FROM tracksolid.position_history ph
        WHERE ph.imei = k.imei AND ph.gps_time <= k.t AND ph.gps_time > k.t - interval '1 hour'
        ORDER BY ph.gps_time DESC LIMIT 1) p""";

  record Ask(String imei, Instant time) {}

  record Fix(double lat, double lng) {}

  private NearestFix() {}

  /** Answers keyed by the ask's index in {@code asks}; asks with no fix are absent. */
  static Future<Map<Integer, Fix>> lookup(Pool pool, List<Ask> asks) {
    if (asks.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String[] imeis = asks.stream().map(Ask::imei).toArray(String[]::new);
    OffsetDateTime[] times =
        asks.stream()
            .map(a -> a.time().atOffset(java.time.ZoneOffset.UTC))
            .toArray(OffsetDateTime[]::new);
    return pool.preparedQuery(SQL)
        // Two array parameters: Tuple.of(imeis, times) would resolve to the varargs overload and
        // spread the second array into one parameter per element.
        .execute(Tuple.tuple().addArrayOfString(imeis).addArrayOfOffsetDateTime(times))
        .map(
            rows -> {
              Map<Integer, Fix> out = new HashMap<>();
              for (Row r : rows) {
                out.put((int) (r.getLong(0) - 1), new Fix(r.getDouble(1), r.getDouble(2)));
              }
              return out;
            });
  }
}
