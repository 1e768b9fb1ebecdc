package io.fleet.ingest.geocode;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * {@code tracksolid.geocode_cache}: one short statement per read or write, each on a pooled
 * connection only for its own duration, never across a wait for Nominatim.
 */
public final class GeocodeCacheStore {
  private static final String READ =
      """
      SELECT found, address, expires_at FROM tracksolid.geocode_cache
      WHERE precision = $1 AND lat = $2 AND lng = $3 AND expires_at > $4""";
  private static final String WRITE =
      """
      INSERT INTO tracksolid.geocode_cache (precision, lat, lng, found, address, details, fetched_at, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (precision, lat, lng) DO UPDATE
        SET found = EXCLUDED.found, address = EXCLUDED.address, details = EXCLUDED.details,
            fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at""";

  /** A remembered answer and until when it may be reused. */
  public record Entry(GeocodeResult result, Instant expiresAt) {}

  private final Pool pool;

  public GeocodeCacheStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<Entry>> read(GeoKey key, Instant now) {
    return pool.preparedQuery(READ)
        .execute(
            Tuple.of(
                (short) key.precision(),
                Numeric.create(key.lat()),
                Numeric.create(key.lng()),
                utc(now)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              GeocodeResult result =
                  Boolean.TRUE.equals(row.getBoolean("found")) && row.getString("address") != null
                      ? GeocodeResult.found(row.getString("address"))
                      : GeocodeResult.NONE;
              return Optional.of(
                  new Entry(result, row.getOffsetDateTime("expires_at").toInstant()));
            });
  }

  public Future<Void> write(
      GeoKey key, GeocodeResult result, JsonObject details, Instant fetchedAt, Instant expiresAt) {
    return pool.preparedQuery(WRITE)
        .execute(
            Tuple.tuple()
                .addValue((short) key.precision())
                .addValue(Numeric.create(key.lat()))
                .addValue(Numeric.create(key.lng()))
                .addValue(result.status() == GeocodeResult.Status.FOUND)
                .addValue(result.address().orElse(null))
                .addValue(details)
                .addValue(utc(fetchedAt))
                .addValue(utc(expiresAt)))
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
