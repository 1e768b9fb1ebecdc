package io.fleet.ingest.poll;

import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.store.Checkpoints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one scheduled run of a windowed endpoint (alarms, trips, parking) does, worked out before
 * any call from the checkpoints, the active devices and the clock: no database, no vendor. {@link
 * WindowedPoll} then runs it.
 *
 * <ul>
 *   <li><b>catch-up</b>: devices the checkpoint does not cover yet (added since, back after being
 *       disabled, missed while a target failed to list) are polled from where the account's history
 *       begins, never further back than now − lookback. Only its last slice marks them covered.
 *   <li><b>main</b>: every active device, checkpoint − overlap up to now − settle. Newcomers whose
 *       catch-up failed are polled here too but stay uncovered ({@link #mainIfCatchUpFails}).
 *   <li><b>reconcile</b>, after a clean main window: the POLL_RECONCILE_WINDOW behind the main
 *       window's end once every POLL_RECONCILE_INTERVAL, resuming an unfinished cycle; on first
 *       sight it is only scheduled ({@link #reconcileScheduleAt}).
 * </ul>
 *
 * @param skipped why nothing runs, else null
 */
record PollPlan(
    String skipped,
    Optional<Pass> catchUp,
    Optional<Pass> main,
    Optional<Pass> mainIfCatchUpFails,
    Optional<Pass> reconcile,
    Optional<Instant> reconcileScheduleAt) {

  /** Slices of one checkpoint key for some devices; {@code states} holds one per slice. */
  record Pass(
      List<String> imeis,
      List<Window> slices,
      String checkpointKey,
      List<CheckpointState> states) {}

  /** What the plan is made from; {@code start} is the checkpoint, else where stored data ends. */
  record Inputs(
      Optional<Checkpoints.Mark> main,
      Optional<Checkpoints.Mark> reconcile,
      Instant start,
      List<String> active,
      Instant now) {}

  static PollPlan skip(String why) {
    return new PollPlan(
        why,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  static PollPlan plan(Endpoint endpoint, PollConfig config, Inputs in) {
    if (in.active().isEmpty()) {
      return skip("no active devices");
    }
    Instant now = in.now();
    Coverage prior = in.main().map(m -> Coverage.read(m.state())).orElse(null);
    // Only devices active now count as covered: one disabled for a while is a newcomer on return.
    Set<String> covered =
        new TreeSet<>(prior == null ? in.active() : prior.imeis().orElse(in.active()));
    covered.retainAll(in.active());
    List<String> newcomers = in.active().stream().filter(i -> !covered.contains(i)).toList();
    Instant since =
        prior != null && prior.since().isPresent()
            ? prior.since().get()
            : in.main().isPresent() ? now.minus(config.lookback()) : in.start();
    Coverage all = Coverage.of(in.active(), since);
    var overlap = config.overlapFor(endpoint.key());

    Optional<Pass> catchUp = Optional.empty();
    if (!newcomers.isEmpty()) {
      Instant from = max(since, now.minus(config.lookback()));
      List<Window> slices = new Window(from.minus(overlap), in.start()).slices(config.slice());
      List<CheckpointState> states = new ArrayList<>();
      for (int i = 0; i < slices.size(); i++) {
        states.add(i == slices.size() - 1 ? all : CheckpointState.NONE);
      }
      if (!slices.isEmpty()) {
        catchUp = Optional.of(new Pass(newcomers, slices, endpoint.key(), states));
      }
    }

    Window window = Window.next(in.start(), now, overlap, config.settle());
    if (window.isEmpty()) {
      return new PollPlan(
          null, catchUp, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    List<Window> slices = window.slices(config.slice());
    Pass main = new Pass(in.active(), slices, endpoint.key(), repeat(all, slices.size()));
    Coverage partial = Coverage.of(in.active().stream().filter(covered::contains).toList(), since);
    Pass fallback = new Pass(in.active(), slices, endpoint.key(), repeat(partial, slices.size()));

    // The reconcile pass runs after a clean main window, whose end is then the checkpoint.
    Optional<Pass> reconcile = Optional.empty();
    Optional<Instant> schedule = Optional.empty();
    Instant mainEnd = max(window.to(), in.start());
    if (in.reconcile().isEmpty()) {
      // First sight: the first runs have just fetched this range fresh; the interval starts now.
      schedule = Optional.of(mainEnd);
    } else {
      ReconcileState state = ReconcileState.read(in.reconcile().get().state());
      reconcile = reconcile(endpoint, config, state, mainEnd, since, in.active(), now);
    }
    return new PollPlan(
        null, catchUp, Optional.of(main), Optional.of(fallback), reconcile, schedule);
  }

  /** The unfinished cycle to resume, else a new one when the last completed an interval ago. */
  private static Optional<Pass> reconcile(
      Endpoint endpoint,
      PollConfig config,
      ReconcileState state,
      Instant mainEnd,
      Instant since,
      List<String> imeis,
      Instant now) {
    Window cycle;
    if (state.unfinished()) {
      cycle = state.range().orElseThrow();
    } else if (state.completedAt().isPresent()
        && now.isBefore(state.completedAt().get().plus(config.reconcileInterval()))) {
      return Optional.empty();
    } else {
      // Never before the account's polled history begins.
      cycle = new Window(max(mainEnd.minus(config.reconcileWindow()), since), mainEnd);
      if (cycle.isEmpty()) {
        return Optional.empty();
      }
    }
    Instant done = state.resumeAt(cycle);
    List<Window> slices =
        cycle.slices(config.slice()).stream().filter(w -> w.to().isAfter(done)).toList();
    if (slices.isEmpty()) {
      return Optional.empty();
    }
    List<CheckpointState> states = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      boolean last = i == slices.size() - 1;
      states.add(
          ReconcileState.after(
              cycle, slices.get(i).to(), last ? Optional.of(now) : Optional.empty()));
    }
    return Optional.of(new Pass(imeis, slices, endpoint.reconcileKey(), states));
  }

  private static List<CheckpointState> repeat(CheckpointState state, int n) {
    List<CheckpointState> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(state);
    }
    return out;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
