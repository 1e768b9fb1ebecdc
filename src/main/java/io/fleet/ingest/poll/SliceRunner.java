package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the slices of a windowed endpoint one after another: each is prepared with no connection
 * held (fetch, row rules, enrichment, geocoding), then committed through the one run transaction
 * ({@link IngestRun}) with its checkpoint. A failed slice leaves an error row and stops its pass;
 * the checkpoint stays at the last committed slice.
 */
final class SliceRunner {
  private static final Logger log = LoggerFactory.getLogger(SliceRunner.class);

  private final Clock clock;
  private final PollMetrics metrics;
  private final IngestRun run;
  private final RunFailure failure;
  private final Map<Endpoint, SliceJob> jobs;

  SliceRunner(
      Clock clock,
      PollMetrics metrics,
      IngestRun run,
      RunFailure failure,
      Map<Endpoint, SliceJob> jobs) {
    this.clock = clock;
    this.metrics = metrics;
    this.run = run;
    this.failure = failure;
    this.jobs = Map.copyOf(jobs);
  }

  /** Every slice of {@code pass} in order, until one fails or {@code cancelled} says stop. */
  Future<RunResult> pass(
      FleetSource source,
      Endpoint endpoint,
      PollPlan.Pass pass,
      RunKind kind,
      BooleanSupplier cancelled,
      Fence fence) {
    Future<RunResult> chain =
        Future.succeededFuture(new RunResult(RunStatus.OK, Counts.ZERO, 0, null));
    List<Window> slices = pass.slices();
    for (int i = 0; i < slices.size(); i++) {
      Window w = slices.get(i);
      JsonObject state = pass.states().get(i).json();
      chain =
          chain.compose(
              sofar ->
                  cancelled.getAsBoolean()
                      ? Future.succeededFuture(sofar)
                      : slice(
                              source,
                              endpoint,
                              pass.imeis(),
                              w,
                              kind,
                              pass.checkpointKey(),
                              state,
                              fence)
                          .map(
                              c ->
                                  new RunResult(
                                      RunStatus.OK,
                                      sofar.counts().plus(c),
                                      sofar.slices() + 1,
                                      null)));
    }
    return chain;
  }

  /**
   * One slice: prepare without a connection, then one transaction that, with a {@code fence}, first
   * checks (and share-locks) the lease, else rolls back.
   */
  Future<Counts> slice(
      FleetSource source,
      Endpoint endpoint,
      List<String> imeis,
      Window w,
      RunKind runKind,
      String checkpointKey,
      JsonObject state,
      Fence fence) {
    SliceJob job = jobs.get(endpoint);
    String stream = endpoint.stream();
    String account = source.account();
    long t0 = System.nanoTime();
    IngestRun.Run r =
        new IngestRun.Run(stream, account, runKind, w.from(), w.to(), clock.instant());
    return job.prepare(source, imeis, w)
        .compose(
            p ->
                run.commit(
                    IngestRun.Commit.of(r, p.fetched(), p.rejected(), p.rows(), null)
                        .withDetail(p.detail())
                        .fenced(fence)
                        .advancing(new IngestRun.Checkpoint(checkpointKey, w.to(), state))))
        .map(IngestRun.Committed::counts)
        .onSuccess(
            c -> {
              metrics.duration(stream, account, RunFailure.elapsed(t0));
              if (checkpointKey.equals(endpoint.key())) {
                metrics.checkpoint(stream, account, w.to());
              }
              log.debug("{} {} window {}..{}: {}", stream, account, w.from(), w.to(), c);
            })
        .recover(err -> failure.record(r, t0, err).transform(x -> Future.failedFuture(err)));
  }
}
