package io.fleet.ingest.tracksolid;

import io.fleet.ingest.lease.VendorSlots;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's cap on calls in flight, kept twice: the local {@link InflightLimiter} queues this
 * replica's calls without touching the database, and, when {@link VendorSlots} are given (the
 * service always gives them), each call also holds one of the account's slots shared by every
 * replica, so the account sees at most {@code max} calls in flight whichever replicas make them.
 * Confined to the client's context.
 */
final class Permits {
  private static final Logger log = LoggerFactory.getLogger(Permits.class);
  // A claimed shared slot lives this long unless renewed; renewed well before, while its call runs.
  // A replica that dies mid-call frees its slots within SLOT_TTL.
  private static final Duration SLOT_TTL = Duration.ofSeconds(10);
  private static final Duration SLOT_RENEW = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final String account;
  private final int max;
  private final Clock clock;
  private final InflightLimiter limiter;
  private final Optional<VendorSlots> shared;
  private final Duration claimWait;
  private Future<Void> slotsReady;

  Permits(
      Vertx vertx,
      String account,
      int max,
      int queueLimit,
      Duration requestTimeout,
      Clock clock,
      Optional<VendorSlots> shared) {
    this.vertx = vertx;
    this.account = account;
    this.max = max;
    this.clock = clock;
    this.limiter = new InflightLimiter(max, queueLimit);
    this.shared = shared;
    // The longest other replicas may legitimately hold every slot: a call runs at most the request
    // timeout, whose retries wait outside the slot.
    this.claimWait = requestTimeout.multipliedBy(2).plusSeconds(30);
  }

  /** This replica's calls in flight. */
  int inflight() {
    return limiter.inflight();
  }

  /**
   * Runs {@code call} once it holds a local permit and, with shared slots, a shared one. {@code
   * gate} is asked in between, when the call has left the local queue and before any slot is
   * claimed: an exception it returns fails the call at once. The shared slot is freed before the
   * local permit, so the next local call finds it free.
   */
  <T> Future<T> run(String method, Supplier<RuntimeException> gate, Supplier<Future<T>> call) {
    return limiter.run(
        () -> {
          RuntimeException refused = gate.get();
          if (refused != null) {
            return Future.<T>failedFuture(refused);
          }
          return sharedSlot(method).compose(slot -> holding(slot, call));
        },
        () ->
            new UnavailableException(
                method,
                UnavailableException.Reason.QUEUE_FULL,
                "wait queue full for account " + account));
  }

  private <T> Future<T> holding(VendorSlots.Slot slot, Supplier<Future<T>> call) {
    long renewal = renewWhileRunning(slot);
    // Composed, so a call that throws fails like any other and still frees its slot.
    Future<T> outcome = Future.succeededFuture().compose(v -> call.get());
    return outcome.transform(
        ar -> {
          vertx.cancelTimer(renewal);
          return release(slot).transform(x -> outcome);
        });
  }

  /** One of the account's slots shared across replicas, or null without shared slots. */
  private Future<VendorSlots.Slot> sharedSlot(String method) {
    if (shared.isEmpty()) {
      return Future.succeededFuture(null);
    }
    if (slotsReady == null || slotsReady.failed()) {
      slotsReady = shared.get().ensure(account, max);
    }
    Instant deadline = clock.instant().plus(claimWait);
    long startNanos = System.nanoTime();
    return slotsReady
        .compose(v -> claim(method, deadline, startNanos, 10))
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof UnavailableException
                        ? err
                        : new UnavailableException(
                            method,
                            UnavailableException.Reason.NO_SHARED_SLOT,
                            "shared slots of account "
                                + account
                                + " unavailable: "
                                + err.getClass().getSimpleName())));
  }

  private Future<VendorSlots.Slot> claim(
      String method, Instant deadline, long startNanos, long pauseMs) {
    return shared
        .get()
        .tryClaim(account, max, SLOT_TTL)
        .compose(
            slot -> {
              if (slot.isPresent()) {
                return Future.succeededFuture(slot.get());
              }
              // Both the held clock and the elapsed time bound the wait, so a frozen test clock
              // cannot hang it.
              if (!clock.instant().isBefore(deadline)
                  || System.nanoTime() - startNanos > claimWait.toNanos()) {
                return Future.failedFuture(
                    new UnavailableException(
                        method,
                        UnavailableException.Reason.NO_SHARED_SLOT,
                        "no shared slot of account "
                            + account
                            + " freed within "
                            + claimWait.toSeconds()
                            + " s"));
              }
              // Other replicas' calls hold every slot: ask again shortly, less often the longer it
              // lasts.
              return vertx
                  .timer(pauseMs)
                  .compose(x -> claim(method, deadline, startNanos, Math.min(pauseMs * 2, 200)));
            });
  }

  /**
   * Keeps {@code slot} claimed while its call runs; the returned timer id is cancelled on release.
   */
  private long renewWhileRunning(VendorSlots.Slot slot) {
    if (slot == null) {
      return -1;
    }
    return vertx.setPeriodic(
        SLOT_RENEW.toMillis(),
        id ->
            shared
                .get()
                .renew(slot, SLOT_TTL)
                .onComplete(
                    ar -> {
                      if (ar.failed() || !ar.result()) {
                        log.warn(
                            "tracksolid {}: shared slot {} could not be renewed ({})",
                            account,
                            slot.slot(),
                            ar.failed() ? ar.cause().getClass().getSimpleName() : "lost");
                      }
                    }));
  }

  /** Frees {@code slot}; a failure to free it is logged, never the call's outcome. */
  private Future<?> release(VendorSlots.Slot slot) {
    if (slot == null) {
      return Future.succeededFuture();
    }
    return shared
        .get()
        .release(slot)
        .onFailure(
            err ->
                log.warn(
                    "tracksolid {}: could not free shared slot {} ({}); it expires in {} s",
                    account,
                    slot.slot(),
                    err.getClass().getSimpleName(),
                    SLOT_TTL.toSeconds()));
  }
}
