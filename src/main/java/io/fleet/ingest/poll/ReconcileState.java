package io.fleet.ingest.poll;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * Progress of the reconcile pass, the state of checkpoint 'reconcile:&lt;endpoint&gt;': the cycle's
 * range, the end of its last committed slice and when the last cycle completed, so an interrupted
 * cycle resumes after a restart or on another replica and a finished one waits its interval.
 */
record ReconcileState(Optional<Window> range, Optional<Instant> done, Optional<Instant> completedAt)
    implements CheckpointState {

  static final ReconcileState NONE =
      new ReconcileState(Optional.empty(), Optional.empty(), Optional.empty());

  static ReconcileState scheduledAt(Instant now) {
    return new ReconcileState(Optional.empty(), Optional.empty(), Optional.of(now));
  }

  static ReconcileState read(JsonObject state) {
    Optional<Instant> from = instant(state, "from");
    Optional<Instant> to = instant(state, "to");
    Optional<Window> range =
        from.isPresent() && to.isPresent()
            ? Optional.of(new Window(from.get(), to.get()))
            : Optional.empty();
    return new ReconcileState(range, instant(state, "done"), instant(state, "completedAt"));
  }

  /** A cycle started but not finished. */
  boolean unfinished() {
    return range.isPresent() && done.isPresent() && done.get().isBefore(range.get().to());
  }

  /** Where {@code cycle} resumes: after this state's last slice when it is the same cycle. */
  Instant resumeAt(Window cycle) {
    return done.filter(d -> range.map(cycle::equals).orElse(false)).orElse(cycle.from());
  }

  /**
   * The state after the slice ending at {@code sliceEnd} of {@code cycle}, completed at the last.
   */
  static ReconcileState after(Window cycle, Instant sliceEnd, Optional<Instant> completedAt) {
    return new ReconcileState(Optional.of(cycle), Optional.of(sliceEnd), completedAt);
  }

  @Override
  public JsonObject json() {
    JsonObject o = new JsonObject();
    range.ifPresent(r -> o.put("from", r.from().toString()).put("to", r.to().toString()));
    done.ifPresent(d -> o.put("done", d.toString()));
    completedAt.ifPresent(c -> o.put("completedAt", c.toString()));
    return o;
  }

  private static Optional<Instant> instant(JsonObject state, String field) {
    return Optional.ofNullable(state == null ? null : state.getString(field)).map(Instant::parse);
  }
}
