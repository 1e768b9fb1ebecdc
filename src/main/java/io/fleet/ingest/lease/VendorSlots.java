package io.fleet.ingest.lease;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counting semaphore per vendor account in {@code tracksolid.vendor_slots}, shared by every
 * replica on the database, so all calls against one account stay within its cap together.
 *
 * <p>Why rows and not advisory locks: an advisory lock lives as long as its session, so every call
 * in flight would hold a pool connection for the whole vendor round trip (seconds, up to the
 * request timeout), and a few slow calls could starve the ingest writes of connections. A slot row
 * is claimed and freed by two short autocommit statements; between them no connection is held. A
 * claim is short-lived and renewed while its call runs, so a replica that dies holding a slot loses
 * it within one time-to-live, however long its call could have run.
 */
public final class VendorSlots {
  private static final String CREATE =
      """
      INSERT INTO tracksolid.vendor_slots (account, slot, holder, expires_at)
      SELECT $1, g, NULL, '-infinity' FROM generate_series(0, $2 - 1) AS g
      ON CONFLICT (account, slot) DO NOTHING""";
  // SKIP LOCKED: replicas claiming at once take different rows; a row another claim updated first
  // is re-checked against expires_at (READ COMMITTED re-evaluation), so no row is granted twice.
  private static final String CLAIM =
      """
      UPDATE tracksolid.vendor_slots AS s SET holder = $3, expires_at = $5
      WHERE s.account = $1 AND s.slot = (
        SELECT f.slot FROM tracksolid.vendor_slots AS f
        WHERE f.account = $1 AND f.slot < $2 AND f.expires_at <= $4
        ORDER BY f.slot LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING s.slot""";
  private static final String RENEW =
      """
      UPDATE tracksolid.vendor_slots SET expires_at = $4
      WHERE account = $1 AND slot = $2 AND holder = $3""";
  // Only the claim that holds the row frees it: a late release after expiry frees nobody else's.
  private static final String RELEASE =
      """
      UPDATE tracksolid.vendor_slots SET holder = NULL, expires_at = '-infinity'
      WHERE account = $1 AND slot = $2 AND holder = $3""";

  /** A claimed slot; {@code holder} names this claim alone. */
  public record Slot(String account, int slot, String holder) {}

  private final Pool pool;
  private final Clock clock;
  private final String owner;
  private final AtomicLong claims = new AtomicLong();

  public VendorSlots(Pool pool, Clock clock, String owner) {
    this.pool = pool;
    this.clock = clock;
    this.owner = owner;
  }

  /** Makes sure {@code account} has rows for {@code max} slots (idempotent, replicas may race). */
  public Future<Void> ensure(String account, int max) {
    return pool.preparedQuery(CREATE).execute(Tuple.of(account, max)).mapEmpty();
  }

  /**
   * Claims one of the first {@code max} slots of {@code account} for at most {@code ttl}; empty
   * when all are taken.
   */
  public Future<Optional<Slot>> tryClaim(String account, int max, Duration ttl) {
    Instant now = clock.instant();
    String holder = owner + "#" + claims.incrementAndGet();
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(account, max, holder, utc(now), utc(now.plus(ttl))))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<Slot>empty()
                    : Optional.of(
                        new Slot(account, rows.iterator().next().getInteger("slot"), holder)));
  }

  /**
   * Extends a claim still held by {@code slot}; false when it was lost (expired and claimed again).
   */
  public Future<Boolean> renew(Slot slot, Duration ttl) {
    return pool.preparedQuery(RENEW)
        .execute(
            Tuple.of(slot.account(), slot.slot(), slot.holder(), utc(clock.instant().plus(ttl))))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> release(Slot slot) {
    return pool.preparedQuery(RELEASE)
        .execute(Tuple.of(slot.account(), slot.slot(), slot.holder()))
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
