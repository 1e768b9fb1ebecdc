package io.fleet.ingest.lease;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A job that runs in turns on the replica holding its lease. Each turn takes or renews the lease
 * and, when this replica holds it, runs the job's work. The next turn is armed on a Vert.x timer
 * only once the current one has finished, so a job never overlaps itself however long a turn takes.
 * What stays with the job is its work and what it makes of each turn: its logs, its metrics and the
 * delay to its next turn (a period, or the next daily slot).
 *
 * <p>Stopping cancels the timers, lets the turn in flight finish (no work starts once stopping),
 * then releases the lease when the {@link LeaseTerms} say so; a lease that is kept simply expires.
 */
public final class LeasedLoop<T> {

  /** The work of one turn, run only while this replica holds the lease. */
  @FunctionalInterface
  public interface Work<T> {
    Future<T> run(Hold hold);
  }

  /** What the work of a turn may ask of the lease it runs under. */
  public interface Hold {
    /** The fence to commit under: it rolls back a commit whose lease has lapsed. */
    Fence fence();

    /** True once the loop is stopping or the lease was lost: a long run stops between steps. */
    boolean cancelled();

    /** Renews the lease now; true while this replica still holds it. */
    Future<Boolean> renew();
  }

  /** How a turn ended. */
  public sealed interface Turn<T> {
    /** This replica held the lease and ran the work; a failed work is {@link Failed}. */
    record Ran<T>(T result) implements Turn<T> {}

    /** Another replica holds the lease. */
    record Skipped<T>() implements Turn<T> {}

    /** The lease could not be checked, or the work failed. */
    record Failed<T>(Throwable error) implements Turn<T> {}
  }

  /** What the job makes of a finished turn, and how long after it the next one starts. */
  @FunctionalInterface
  public interface Next<T> {
    Duration after(Turn<T> turn);
  }

  private final Vertx vertx;
  private final Leases leases;
  private final LeaseTerms terms;
  private final Work<T> work;
  private final Next<T> next;
  private final Consumer<Boolean> onHeld;
  private final Hold hold;
  private volatile long turnTimer = -1;
  private volatile long renewTimer = -1;
  private volatile boolean renewing;
  private volatile boolean held;
  private volatile boolean told;
  private volatile boolean stopping;
  private volatile Future<?> turnInFlight = Future.succeededFuture();
  private volatile Future<?> renewalInFlight = Future.succeededFuture();
  private volatile Future<?> catchUpInFlight = Future.succeededFuture();

  /**
   * @param onHeld told when this replica starts or stops holding the lease (not while stopping,
   *     except the final false)
   */
  public LeasedLoop(
      Vertx vertx,
      Leases leases,
      LeaseTerms terms,
      Work<T> work,
      Next<T> next,
      Consumer<Boolean> onHeld) {
    this.vertx = vertx;
    this.leases = leases;
    this.terms = terms;
    this.work = work;
    this.next = next;
    this.onHeld = onHeld;
    Fence fence = new Fence(terms.lease(), leases.owner());
    this.hold =
        new Hold() {
          @Override
          public Fence fence() {
            return fence;
          }

          @Override
          public boolean cancelled() {
            return stopping || !held;
          }

          @Override
          public Future<Boolean> renew() {
            return check().onSuccess(still -> setHeld(still));
          }
        };
  }

  public LeasedLoop(Vertx vertx, Leases leases, LeaseTerms terms, Work<T> work, Next<T> next) {
    this(vertx, leases, terms, work, next, now -> {});
  }

  /** Runs the first turn after {@code delay}. */
  public void start(Duration delay) {
    arm(delay);
  }

  /** Runs the first turn now; completes when it has finished. */
  public Future<Void> startNow() {
    return scheduledTurn();
  }

  /**
   * Runs one turn now, outside the schedule, when {@code due} answers true: a slot missed while no
   * replica was up. Stop waits for it, the check included. {@code then} gets the turn; the next
   * scheduled turn stays where it was, so the caller keeps the two apart (a purge catches up only
   * when its next slot is more than a lease away).
   */
  public Future<Void> catchUp(Supplier<Future<Boolean>> due, Consumer<Turn<T>> then) {
    Future<Void> run =
        due.get()
            .compose(
                yes ->
                    yes && !stopping
                        ? turn()
                            .map(
                                t -> {
                                  if (t != null) {
                                    then.accept(t);
                                  }
                                  return null;
                                })
                        : Future.succeededFuture());
    catchUpInFlight = run;
    return run;
  }

  /** Stops, waiting for the turn in flight however long it takes. */
  public Future<Void> stop() {
    return stop(null);
  }

  /** Stops, waiting at most {@code grace} (null: no limit) for the turn in flight. */
  public Future<Void> stop(Duration grace) {
    stopping = true;
    vertx.cancelTimer(turnTimer);
    vertx.cancelTimer(renewTimer);
    Future<?> inFlight = Future.join(turnInFlight, renewalInFlight, catchUpInFlight);
    if (grace != null) {
      inFlight = inFlight.timeout(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
    }
    return inFlight.transform(
        ar -> {
          boolean wasHeld = held;
          held = false;
          tell(false);
          return wasHeld && terms.releaseOnStop()
              ? leases.release(terms.lease()).otherwiseEmpty()
              : Future.succeededFuture();
        });
  }

  private void arm(Duration delay) {
    if (stopping) {
      return;
    }
    turnTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> scheduledTurn());
  }

  private Future<Void> scheduledTurn() {
    Promise<Void> done = Promise.promise();
    turnInFlight = done.future();
    turn()
        .onComplete(
            ar -> {
              // A turn cut short by stop (null) tells the job nothing and arms nothing.
              Turn<T> t = ar.succeeded() ? ar.result() : new Turn.Failed<>(ar.cause());
              Duration delay = null;
              try {
                delay = t == null ? null : next.after(t);
              } finally {
                // Stop waits for this, so it completes even if the job's handler throws.
                done.complete();
              }
              if (delay != null) {
                arm(delay);
              }
            });
    return done.future();
  }

  /** Checks the lease and runs the work if held; null when the loop stopped in between. */
  private Future<Turn<T>> turn() {
    return check()
        .transform(
            checked -> {
              if (checked.failed()) {
                if (terms.standDownAfter() != null) {
                  setHeld(false);
                }
                return Future.succeededFuture(new Turn.Failed<>(checked.cause()));
              }
              boolean acquired = checked.result();
              setHeld(acquired);
              if (!acquired) {
                return Future.succeededFuture(new Turn.Skipped<>());
              }
              if (stopping) {
                return Future.succeededFuture();
              }
              return Future.<Void>succeededFuture()
                  .compose(v -> work.run(hold))
                  .transform(
                      ran ->
                          Future.succeededFuture(
                              ran.succeeded()
                                  ? new Turn.Ran<>(ran.result())
                                  : new Turn.Failed<>(ran.cause())));
            });
  }

  /** Takes or renews the lease; under a stand-down timeout a slow check fails. */
  private Future<Boolean> check() {
    Future<Boolean> acquired = leases.tryAcquire(terms.lease(), terms.ttl());
    Duration timeout = terms.standDownAfter();
    return timeout == null
        ? acquired
        : acquired.timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  private void setHeld(boolean now) {
    held = now;
    if (stopping) {
      return;
    }
    tell(now);
    if (now && terms.renewEvery() != null && !renewing) {
      renewing = true;
      armRenewal();
    } else if (!now && vertx.cancelTimer(renewTimer)) {
      renewing = false;
    }
  }

  /** Ownership is sticky: while held, the lease is renewed between turns, never two at once. */
  private void armRenewal() {
    renewTimer =
        vertx.setTimer(
            Math.max(1, terms.renewEvery().toMillis()),
            id -> {
              Future<Boolean> renewal = check();
              renewalInFlight = renewal;
              renewal.onComplete(
                  ar -> {
                    if (ar.succeeded() && !ar.result()) {
                      // Another replica took over after our lease lapsed: the turns try again.
                      setHeld(false);
                    } else if (ar.failed() && terms.standDownAfter() != null) {
                      setHeld(false);
                    }
                    if (held && !stopping) {
                      armRenewal();
                    } else {
                      renewing = false;
                    }
                  });
            });
  }

  private void tell(boolean now) {
    if (told != now) {
      told = now;
      onHeld.accept(now);
    }
  }
}
