package io.fleet.ingest.tracksolid;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One account's breaker: opens after {@code threshold} consecutive failures (the vendor was
 * unreachable, rate-limited or busy), rejects calls while open, then lets one probe through
 * (half-open) whose outcome closes or re-opens it. Confined to the client's context: no locks.
 */
public final class CircuitBreaker {
  public enum State {
    CLOSED(0),
    HALF_OPEN(1),
    OPEN(2);

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

  /**
   * What {@link #tryAcquire()} grants: nothing, an ordinary call, or the single half-open probe.
   */
  public enum Permit {
    REFUSED,
    CALL,
    PROBE
  }

  /**
   * Asked when a call is about to go out (after any queueing); a half-open breaker admits one
   * probe.
   */
  public Permit tryAcquire() {
    State now = state();
    if (now == State.CLOSED) {
      return Permit.CALL;
    }
    if (now == State.HALF_OPEN && !probeInFlight) {
      state = State.HALF_OPEN;
      probeInFlight = true;
      return Permit.PROBE;
    }
    return Permit.REFUSED;
  }

  /**
   * Runs {@code call} under a permit, or fails with {@code refusal} when none is granted, and
   * learns from its outcome before the caller does: a success or a permanent vendor answer proves
   * the vendor up, a retryable or unknown failure counts against it.
   */
  <T> Future<T> guard(Supplier<Future<T>> call, Supplier<? extends RuntimeException> refusal) {
    Permit permit = tryAcquire();
    if (permit == Permit.REFUSED) {
      return Future.failedFuture(refusal.get());
    }
    // Composed, so a call that throws is heard as a failure and cannot keep the probe's place.
    return Future.succeededFuture()
        .compose(v -> call.get())
        .andThen(
            ar -> {
              if (ar.succeeded()
                  || (ar.cause() instanceof TracksolidException t && !t.retryable())) {
                onSuccess(permit);
              } else {
                onFailure(permit);
              }
            });
  }

  /** The vendor answered: it is up, whichever call proved it. */
  public void onSuccess(Permit permit) {
    consecutiveFailures = 0;
    if (permit == Permit.PROBE || state == State.CLOSED) {
      probeInFlight = false;
    }
    if (permit == Permit.PROBE || !probeInFlight) {
      state = State.CLOSED;
    }
  }

  /**
   * A retryable failure. Only failures of calls made while closed count towards opening, and only
   * the probe's own failure re-opens a half-open breaker: a slow call that was admitted before the
   * breaker opened neither extends the open period nor frees the probe's slot.
   */
  public void onFailure(Permit permit) {
    if (permit == Permit.PROBE) {
      probeInFlight = false;
      state = State.OPEN;
      openedAt = clock.instant();
      return;
    }
    if (state != State.CLOSED) {
      return;
    }
    consecutiveFailures++;
    if (consecutiveFailures >= threshold) {
      state = State.OPEN;
      openedAt = clock.instant();
    }
  }
}
