package io.fleet.ingest.poll;

import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduled run of a windowed endpoint in two parts: {@link PollPlan#plan} works out the
 * catch-up, main and reconcile passes from what {@link PollReads} read, then {@link #execute} runs
 * them through the {@link SliceRunner}. A failed catch-up does not hold up the main window; the
 * reconcile pass runs only after a clean main window, and its failure is logged by its own slice
 * without failing the run.
 */
final class WindowedPoll {
  private static final Logger log = LoggerFactory.getLogger(WindowedPoll.class);

  private final PollConfig config;
  private final Clock clock;
  private final PollReads reads;
  private final SliceRunner slices;
  private final IngestRun run;

  WindowedPoll(PollConfig config, Clock clock, PollReads reads, SliceRunner slices, IngestRun run) {
    this.config = config;
    this.clock = clock;
    this.reads = reads;
    this.slices = slices;
    this.run = run;
  }

  Future<RunResult> run(
      FleetSource source, Endpoint endpoint, BooleanSupplier cancelled, Fence fence) {
    Instant now = clock.instant();
    return reads
        .inputs(source.account(), endpoint, now)
        .compose(
            in -> execute(source, endpoint, PollPlan.plan(endpoint, config, in), cancelled, fence));
  }

  Future<RunResult> execute(
      FleetSource source,
      Endpoint endpoint,
      PollPlan plan,
      BooleanSupplier cancelled,
      Fence fence) {
    String account = source.account();
    if (plan.skipped() != null) {
      return Future.succeededFuture(RunResult.skipped(plan.skipped() + " for account " + account));
    }
    Future<RunResult> catchUp =
        plan.catchUp()
            .map(
                pass -> {
                  log.info(
                      "{} {}: {} device(s) not yet covered, catching up from {}",
                      endpoint.stream(),
                      account,
                      pass.imeis().size(),
                      pass.slices().get(0).from());
                  return slices
                      .pass(source, endpoint, pass, RunKind.SCHEDULED, cancelled, fence)
                      .recover(
                          err ->
                              Future.succeededFuture(
                                  new RunResult(
                                      RunStatus.ERROR,
                                      Counts.ZERO,
                                      0,
                                      "catch-up of "
                                          + pass.imeis().size()
                                          + " device(s) failed: "
                                          + err.getMessage())));
                })
            .orElse(Future.succeededFuture(new RunResult(RunStatus.OK, Counts.ZERO, 0, null)));
    return catchUp.compose(
        first -> {
          var main = first.ok() ? plan.main() : plan.mainIfCatchUpFails();
          if (cancelled.getAsBoolean() || main.isEmpty()) {
            return Future.succeededFuture(first);
          }
          return slices
              .pass(source, endpoint, main.get(), RunKind.SCHEDULED, cancelled, fence)
              .compose(
                  r ->
                      cancelled.getAsBoolean()
                          ? Future.succeededFuture(r)
                          : reconcile(source, endpoint, plan, cancelled, fence).map(x -> r))
              .map(
                  r ->
                      new RunResult(
                          first.ok() ? r.status() : RunStatus.ERROR,
                          first.counts().plus(r.counts()),
                          first.slices() + r.slices(),
                          first.ok() ? r.error() : first.error()));
        });
  }

  private Future<Void> reconcile(
      FleetSource source,
      Endpoint endpoint,
      PollPlan plan,
      BooleanSupplier cancelled,
      Fence fence) {
    String account = source.account();
    if (plan.reconcileScheduleAt().isPresent()) {
      // Under the fence, like every checkpoint: a replica that lost the lease must not reset the
      // schedule.
      Instant now = clock.instant();
      return run.mark(
          fence,
          account,
          new IngestRun.Checkpoint(
              endpoint.reconcileKey(),
              plan.reconcileScheduleAt().get(),
              ReconcileState.scheduledAt(now).json()));
    }
    if (plan.reconcile().isEmpty()) {
      return Future.succeededFuture();
    }
    PollPlan.Pass pass = plan.reconcile().get();
    log.info(
        "{} {}: reconciling {}..{} ({} slice(s))",
        endpoint.stream(),
        account,
        pass.slices().get(0).from(),
        pass.slices().get(pass.slices().size() - 1).to(),
        pass.slices().size());
    return slices
        .pass(source, endpoint, pass, RunKind.SCHEDULED, cancelled, fence)
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
