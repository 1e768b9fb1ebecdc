package io.fleet.ingest.poll;

import io.fleet.ingest.lease.LeaseTerms;
import io.fleet.ingest.lease.LeasedLoop;
import io.fleet.ingest.lease.LeasedLoop.Hold;
import io.fleet.ingest.lease.LeasedLoop.Turn;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
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
  private final LeaseTerms terms;
  private LeasedLoop<RunResult> loop;

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
    String leaseName = "poll:" + endpoint.key() + ":" + source.account();
    // Ownership is sticky: while held, renew at a third of the TTL, independent of the interval.
    this.terms =
        LeaseTerms.kept(leaseName, ttl)
            .renewedEvery(Duration.ofMillis(Math.max(10, ttl.toMillis() / 3)))
            .releasedOnStop();
  }

  @Override
  public Future<?> start() {
    // The loop's timers need this verticle's Vertx, which is only set once it is deployed.
    loop =
        new LeasedLoop<>(
            vertx,
            leases,
            terms,
            this::runOnce,
            this::next,
            held -> {
              if (held) {
                log.info("{}: this replica now runs the job", terms.lease());
              }
            });
    loop.start(initialDelay);
    return Future.succeededFuture();
  }

  private Future<RunResult> runOnce(Hold hold) {
    // Every run commits under the job's lease: the fence rolls back a commit whose lease has
    // lapsed. A failed run has been logged by the runner; the loop just waits for the next one.
    // A lapsed lease also cancels a windowed run between slices.
    return runner.run(source, endpoint, hold::cancelled, hold.fence()).otherwise((RunResult) null);
  }

  private Duration next(Turn<RunResult> turn) {
    if (turn instanceof Turn.Failed<RunResult> failed) {
      log.warn("{}: lease check failed: {}", terms.lease(), failed.error().getMessage());
    }
    // Nothing to ask yet (no devices synced): look again soon rather than a whole interval later.
    boolean waiting =
        turn instanceof Turn.Ran<RunResult> ran
            && ran.result() != null
            && ran.result().status() == RunStatus.SKIPPED;
    return waiting && interval.compareTo(RETRY_WHEN_WAITING) > 0 ? RETRY_WHEN_WAITING : interval;
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }
}
