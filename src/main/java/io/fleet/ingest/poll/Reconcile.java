package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.Checkpoints;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic re-poll behind the checkpoint. The vendor lists a trip or stop only once it ends but
 * filters by its start, and a tracker back from an outage uploads alarms with old times: rows like
 * these appear after every main window covering their time has passed. Every
 * POLL_RECONCILE_INTERVAL the days POLL_RECONCILE_WINDOW behind the checkpoint go through the same
 * slices again (idempotent upserts, exact counts, run_kind 'scheduled').
 *
 * <p>Progress is checkpoint 'reconcile:&lt;endpoint&gt;' (never the main one): state holds the
 * cycle's range, the end of its last committed slice and when the last cycle completed, so an
 * interrupted cycle resumes after a restart or on another replica and a finished one waits.
 */
final class Reconcile {
  private static final Logger log = LoggerFactory.getLogger(Reconcile.class);

  private Reconcile() {}

  static String key(Endpoint endpoint) {
    return "reconcile:" + endpoint.key();
  }

  static Future<RunResult> runIfDue(
      PollRunner runner,
      FleetSource source,
      Endpoint endpoint,
      List<String> imeis,
      BooleanSupplier cancelled,
      Fence fence) {
    String account = source.account();
    String key = key(endpoint);
    return Checkpoints.read(runner.pool(), account, endpoint.key())
        .compose(
            main ->
                Checkpoints.read(runner.pool(), account, key)
                    .compose(
                        mark -> {
                          if (main.isEmpty()) {
                            return Future.succeededFuture(RunResult.skipped("no checkpoint yet"));
                          }
                          Instant now = runner.clock().instant();
                          if (mark.isEmpty()) {
                            // First sight: the first runs have just fetched this range fresh; the
                            // interval starts now. Under the fence, like every checkpoint: a
                            // replica that lost the lease must not reset the schedule.
                            return runner
                                .pool()
                                .withTransaction(
                                    conn ->
                                        Fence.check(conn, fence, now)
                                            .compose(
                                                v ->
                                                    Checkpoints.advance(
                                                        conn,
                                                        account,
                                                        key,
                                                        main.get().position(),
                                                        new JsonObject()
                                                            .put("completedAt", now.toString()),
                                                        now)))
                                .map(RunResult.skipped("reconcile scheduled"));
                          }
                          Optional<Window> cycle =
                              cycle(runner, main.get(), mark.get().state(), now);
                          if (cycle.isEmpty()) {
                            return Future.succeededFuture(RunResult.skipped("reconcile not due"));
                          }
                          Window range = cycle.get();
                          Instant done =
                              instant(mark.get().state(), "done")
                                  .filter(d -> sameCycle(mark.get().state(), range))
                                  .orElse(range.from());
                          List<Window> slices =
                              range.slices(runner.config().slice()).stream()
                                  .filter(w -> w.to().isAfter(done))
                                  .toList();
                          if (slices.isEmpty()) {
                            return Future.succeededFuture(
                                RunResult.skipped("empty reconcile window"));
                          }
                          log.info(
                              "{} {}: reconciling {}..{} ({} slice(s))",
                              endpoint.stream(),
                              account,
                              slices.get(0).from(),
                              range.to(),
                              slices.size());
                          return runner
                              .runSlices(
                                  source,
                                  endpoint,
                                  imeis,
                                  slices,
                                  RunKind.SCHEDULED,
                                  key,
                                  i -> {
                                    JsonObject state =
                                        new JsonObject()
                                            .put("from", range.from().toString())
                                            .put("to", range.to().toString())
                                            .put("done", slices.get(i).to().toString());
                                    return i == slices.size() - 1
                                        ? state.put(
                                            "completedAt", runner.clock().instant().toString())
                                        : state;
                                  },
                                  cancelled,
                                  fence)
                              .recover(
                                  err ->
                                      Future.succeededFuture(
                                          new RunResult(
                                              RunStatus.ERROR,
                                              Counts.ZERO,
                                              0,
                                              "reconcile: " + err.getMessage())));
                        }));
  }

  /** The unfinished cycle to resume, else a new one when the last completed an interval ago. */
  private static Optional<Window> cycle(
      PollRunner runner, Checkpoints.Mark main, JsonObject state, Instant now) {
    Optional<Instant> from = instant(state, "from");
    Optional<Instant> to = instant(state, "to");
    Optional<Instant> done = instant(state, "done");
    Optional<Instant> completed = instant(state, "completedAt");
    boolean unfinished =
        from.isPresent() && to.isPresent() && done.isPresent() && done.get().isBefore(to.get());
    if (unfinished) {
      return Optional.of(new Window(from.get(), to.get()));
    }
    if (completed.isPresent()
        && now.isBefore(completed.get().plus(runner.config().reconcileInterval()))) {
      return Optional.empty();
    }
    Instant end = main.position();
    Instant start = end.minus(runner.config().reconcileWindow());
    // Never before the account's polled history begins.
    Optional<Instant> since = instant(main.state(), "since");
    if (since.isPresent() && start.isBefore(since.get())) {
      start = since.get();
    }
    Window w = new Window(start, end);
    return w.isEmpty() ? Optional.empty() : Optional.of(w);
  }

  private static boolean sameCycle(JsonObject state, Window range) {
    return range.from().toString().equals(state.getString("from"))
        && range.to().toString().equals(state.getString("to"));
  }

  private static Optional<Instant> instant(JsonObject state, String field) {
    return Optional.ofNullable(state.getString(field)).map(Instant::parse);
  }
}
