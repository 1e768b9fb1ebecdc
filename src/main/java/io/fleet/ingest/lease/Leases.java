package io.fleet.ingest.lease;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Named leases in {@code tracksolid.leases}: a job runs on the replica that holds its lease. A
 * lease is one short statement, not a connection held for the run, and a crashed owner's lease
 * simply expires so another replica takes over.
 */
public final class Leases {
  private static final String ACQUIRE =
      """
      INSERT INTO tracksolid.leases AS l (name, owner, acquired_at, expires_at)
      VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO UPDATE
        SET owner = EXCLUDED.owner,
            acquired_at = CASE WHEN l.owner = EXCLUDED.owner THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
            expires_at = EXCLUDED.expires_at
        WHERE l.owner = EXCLUDED.owner OR l.expires_at <= EXCLUDED.acquired_at
      RETURNING owner""";
  private static final String RELEASE =
      "DELETE FROM tracksolid.leases WHERE name = $1 AND owner = $2";

  private final Pool pool;
  private final Clock clock;
  private final String owner;

  public Leases(Pool pool, Clock clock, String owner) {
    this.pool = pool;
    this.clock = clock;
    this.owner = owner;
  }

  public String owner() {
    return owner;
  }

  /** Takes or renews {@code name} for {@code ttl}; true when this replica now holds it. */
  public Future<Boolean> tryAcquire(String name, Duration ttl) {
    Instant now = clock.instant();
    return pool.preparedQuery(ACQUIRE)
        .execute(Tuple.of(name, owner, utc(now), utc(now.plus(ttl))))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Gives the lease up early so another replica need not wait for it to expire. */
  public Future<Void> release(String name) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(name, owner)).mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
