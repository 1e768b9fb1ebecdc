package io.fleet.ingest.lease;

import java.time.Duration;

/**
 * How a {@link LeasedLoop} holds its lease.
 *
 * @param renewEvery while held, also renew this often between turns (null: turns renew it), so a
 *     job whose period is longer than its lease stays on one replica
 * @param standDownAfter a check that fails or takes longer than this counts as lost at once (null:
 *     a failed check changes nothing, the fence guards the commits)
 * @param releaseOnStop give the lease up at stop; kept, it runs out, so a replica whose timer fires
 *     a moment later finds it taken
 */
public record LeaseTerms(
    String lease,
    Duration ttl,
    Duration renewEvery,
    Duration standDownAfter,
    boolean releaseOnStop) {

  /** Taken or renewed by each turn and kept at stop. */
  public static LeaseTerms kept(String lease, Duration ttl) {
    return new LeaseTerms(lease, ttl, null, null, false);
  }

  public LeaseTerms renewedEvery(Duration every) {
    return new LeaseTerms(lease, ttl, every, standDownAfter, releaseOnStop);
  }

  public LeaseTerms standingDownAfter(Duration timeout) {
    return new LeaseTerms(lease, ttl, renewEvery, timeout, releaseOnStop);
  }

  public LeaseTerms releasedOnStop() {
    return new LeaseTerms(lease, ttl, renewEvery, standDownAfter, true);
  }
}
