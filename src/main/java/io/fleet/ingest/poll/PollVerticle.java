package io.fleet.ingest.poll;

import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One (account, endpoint) job. It runs only while it holds lease {@code poll:<endpoint>:<account>},
 * keeps that lease renewed while it lives (so the job stays on one replica), and schedules the next
 * run only when the current one has finished, so a poll never overlaps itself. Stopping lets the
 * current slice commit, runs no further slices, and releases the lease.
 */
public final class PollVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(PollVerticle.class);

  private static final Duration RETRY_WHEN_WAITING = Duration.ofSeconds(5);

  private final PollRunner runner;
  private final FleetSource source;
  private final Endpoint endpoint;
  private final Duration interval;
  private final Duration initialDelay;
  private final Leases leases;
  private final Duration ttl;
  private final String leaseName;
  private long timer = -1;
  private long renewTimer = -1;
  private volatile boolean held;
  private volatile boolean stopping;
  private Future<?> current = Future.succeededFuture();

  public PollVerticle(
      PollRunner runner,
      FleetSource source,
      Endpoint endpoint,
      Duration interval,
      Duration initialDelay,
      Leases leases,
      Duration ttl) {
    this.runner = runner;
    this.source = source;
    this.endpoint = endpoint;
    this.interval = interval;
    this.initialDelay = initialDelay;
    this.leases = leases;
    this.ttl = ttl;
    this.leaseName = "poll:" + endpoint.key() + ":" + source.account();
  }

  @Override
  public Future<?> start() {
    schedule(initialDelay);
    return Future.succeededFuture();
  }

  private void schedule(Duration delay) {
    if (stopping) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> tick());
  }

  private void tick() {
    Promise<Void> done = Promise.promise();
    current = done.future();
    leases
        .tryAcquire(leaseName, ttl)
        .compose(
            acquired -> {
              setHeld(acquired);
              if (!acquired || stopping) {
                return Future.succeededFuture((RunResult) null);
              }
              return runOnce().otherwise((RunResult) null);
            })
        .onFailure(e -> log.warn("{}: lease check failed: {}", leaseName, e.getMessage()))
        .onComplete(
            ar -> {
              done.complete();
              // Nothing to ask yet (no devices synced): look again soon rather than a whole
              // interval later.
              boolean waiting =
                  ar.succeeded()
                      && ar.result() != null
                      && ar.result().status() == RunStatus.SKIPPED;
              schedule(
                  waiting && interval.compareTo(RETRY_WHEN_WAITING) > 0
                      ? RETRY_WHEN_WAITING
                      : interval);
            });
  }

  private Future<RunResult> runOnce() {
    // Every run commits under the job's lease: the fence rolls back a commit whose lease has
    // lapsed.
    Fence fence = new Fence(leaseName, leases.owner());
    // A lapsed lease also cancels a windowed run between slices.
    return runner.run(source, endpoint, () -> stopping || !held, fence);
  }

  /** Ownership is sticky: while held, renew at a third of the TTL, independent of the interval. */
  private void setHeld(boolean acquired) {
    if (acquired && !held) {
      log.info("{}: this replica now runs the job", leaseName);
      long every = Math.max(10, ttl.toMillis() / 3);
      renewTimer =
          vertx.setPeriodic(
              every,
              id ->
                  leases
                      .tryAcquire(leaseName, ttl)
                      .onSuccess(
                          still -> {
                            if (!still) {
                              // Another replica took over after our lease lapsed: stop renewing,
                              // keep trying on ticks.
                              held = false;
                              vertx.cancelTimer(renewTimer);
                            }
                          }));
    } else if (!acquired && held) {
      vertx.cancelTimer(renewTimer);
    }
    held = acquired;
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(renewTimer);
    return current
        .otherwiseEmpty()
        .compose(v -> held ? leases.release(leaseName).otherwiseEmpty() : Future.succeededFuture());
  }
}
