package io.fleet.ingest.tracksolid;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One account's breaker: opens after {@code threshold} consecutive failures (the vendor was
 * unreachable, rate-limited or busy), rejects calls while open, then lets one probe through
 * (half-open) whose outcome closes or re-opens it. Confined to the client's context: no locks.
 */
public final class CircuitBreaker {
  public enum State {
    CLOSED(0), HALF_OPEN(1), OPEN(2);

    private final int gauge;

    State(int gauge) {
      this.gauge = gauge;
    }

    /** The value of the {@code tracksolid.vendor.circuit.state} gauge. */
    public int gauge() {
      return gauge;
    }
  }

  private final int threshold;
  private final Duration openFor;
  private final Clock clock;
  private volatile State state = State.CLOSED;
  private int consecutiveFailures;
  private volatile Instant openedAt = Instant.EPOCH;
  private boolean probeInFlight;

  public CircuitBreaker(int threshold, Duration openFor, Clock clock) {
    this.threshold = threshold;
    this.openFor = openFor;
    this.clock = clock;
  }

  /** The state as health and metrics see it; an open breaker past its wait reads half-open. */
  public State state() {
    if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(openFor))) {
      return State.HALF_OPEN;
    }
    return state;
  }

  /** True when a call may go out now; a half-open breaker admits a single probe. */
  public boolean tryAcquire() {
    State now = state();
    if (now == State.CLOSED) {
      return true;
    }
    if (now == State.HALF_OPEN && !probeInFlight) {
      state = State.HALF_OPEN;
      probeInFlight = true;
      return true;
    }
    return false;
  }

  public void onSuccess() {
    consecutiveFailures = 0;
    probeInFlight = false;
    state = State.CLOSED;
  }

  /** A probe that never reached the vendor (refused locally) frees the half-open slot. */
  public void abandon() {
    probeInFlight = false;
  }

  public void onFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
      state = State.OPEN;
      openedAt = clock.instant();
    }
    probeInFlight = false;
  }
}
