package io.fleet.ingest.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.store.Checkpoints;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The planning half of a windowed poll, with no database and no vendor. */
class PollPlanTest {
  static final Instant NOW = Instant.parse("2026-05-10T12:00:00Z");
  static final PollConfig CONFIG =
      AppConfig.load(
              Map.of(
                  "JIMI_WEBHOOK_TOKEN", "plan-test-token-0123456789abcdef",
                  "GEOCODE_ENABLED", "false",
                  "POLL_LOOKBACK", "P2D",
                  "POLL_OVERLAP", "PT1H",
                  "POLL_SETTLE", "PT5M",
                  "POLL_SLICE", "PT12H",
                  "POLL_RECONCILE_INTERVAL", "PT6H",
                  "POLL_RECONCILE_WINDOW", "P1D"),
              false)
          .poll();
  static final List<String> FLEET = List.of("a1", "a2");

  @Test
  void aFirstRunPollsFromTheStartAndOnlySchedulesTheReconcile() {
    Instant start = NOW.minus(Duration.ofDays(2));
    PollPlan plan = plan(Optional.empty(), Optional.empty(), start, FLEET);
    assertThat(plan.skipped()).isNull();
    assertThat(plan.catchUp()).isEmpty();
    PollPlan.Pass main = plan.main().orElseThrow();
    assertThat(main.imeis()).isEqualTo(FLEET);
    assertThat(main.slices().get(0).from()).isEqualTo(start.minus(Duration.ofHours(1)));
    assertThat(main.slices().get(main.slices().size() - 1).to())
        .isEqualTo(NOW.minus(Duration.ofMinutes(5)));
    assertThat(main.slices()).allSatisfy(w -> assertThat(w.isEmpty()).isFalse());
    // Every slice vouches for the whole fleet, history beginning at the start.
    assertThat(main.states())
        .allSatisfy(
            s ->
                assertThat(s.json())
                    .isEqualTo(
                        new JsonObject()
                            .put("imeis", new io.vertx.core.json.JsonArray(FLEET))
                            .put("since", start.toString())));
    assertThat(plan.reconcile()).isEmpty();
    assertThat(plan.reconcileScheduleAt()).contains(NOW.minus(Duration.ofMinutes(5)));
  }

  @Test
  void aNewDeviceIsCaughtUpFromWhereHistoryBeginsAndCoveredOnlyByTheLastSlice() {
    Instant since = NOW.minus(Duration.ofDays(30));
    Instant checkpoint = NOW.minus(Duration.ofMinutes(20));
    Checkpoints.Mark mark =
        new Checkpoints.Mark(checkpoint, Coverage.of(List.of("a1"), since).json());
    PollPlan plan = plan(Optional.of(mark), Optional.of(reconciled(NOW)), checkpoint, FLEET);
    PollPlan.Pass catchUp = plan.catchUp().orElseThrow();
    assertThat(catchUp.imeis()).containsExactly("a2");
    // Never further back than now - lookback, even though history began a month ago.
    assertThat(catchUp.slices().get(0).from())
        .isEqualTo(NOW.minus(Duration.ofDays(2)).minus(Duration.ofHours(1)));
    assertThat(catchUp.slices().get(catchUp.slices().size() - 1).to()).isEqualTo(checkpoint);
    List<CheckpointState> states = catchUp.states();
    assertThat(states.subList(0, states.size() - 1))
        .allSatisfy(s -> assertThat(s.json().isEmpty()).isTrue());
    assertThat(Coverage.read(states.get(states.size() - 1).json()).imeis())
        .contains(List.of("a1", "a2"));
    // Should the catch-up fail, the main window polls both but covers only the old device.
    assertThat(
            Coverage.read(plan.mainIfCatchUpFails().orElseThrow().states().get(0).json()).imeis())
        .contains(List.of("a1"));
    assertThat(plan.reconcile()).as("reconciled just now").isEmpty();
  }

  @Test
  void aDisabledDeviceThatReturnsIsANewcomerAndRemovedOnesAreForgotten() {
    Checkpoints.Mark mark =
        new Checkpoints.Mark(
            NOW.minus(Duration.ofMinutes(20)),
            Coverage.of(List.of("a1", "gone"), NOW.minus(Duration.ofDays(5))).json());
    PollPlan plan =
        plan(Optional.of(mark), Optional.of(reconciled(NOW)), mark.position(), List.of("a1", "a3"));
    assertThat(plan.catchUp().orElseThrow().imeis()).containsExactly("a3");
    assertThat(Coverage.read(plan.main().orElseThrow().states().get(0).json()).imeis())
        .contains(List.of("a1", "a3"));
  }

  @Test
  void theReconcilePassFollowsItsIntervalAndResumesAnUnfinishedCycle() {
    Instant checkpoint = NOW.minus(Duration.ofMinutes(20));
    Checkpoints.Mark mark =
        new Checkpoints.Mark(checkpoint, Coverage.of(FLEET, NOW.minus(Duration.ofDays(9))).json());
    Instant mainEnd = NOW.minus(Duration.ofMinutes(5));

    // Completed 7 hours ago, interval 6 hours: a new cycle over the day behind the main end.
    PollPlan due =
        plan(
            Optional.of(mark),
            Optional.of(reconciled(NOW.minus(Duration.ofHours(7)))),
            checkpoint,
            FLEET);
    PollPlan.Pass cycle = due.reconcile().orElseThrow();
    assertThat(cycle.checkpointKey()).isEqualTo("reconcile:alarms");
    assertThat(cycle.slices().get(0).from()).isEqualTo(mainEnd.minus(Duration.ofDays(1)));
    assertThat(cycle.slices().get(cycle.slices().size() - 1).to()).isEqualTo(mainEnd);
    ReconcileState last = ReconcileState.read(cycle.states().get(cycle.states().size() - 1).json());
    assertThat(last.completedAt()).contains(NOW);
    assertThat(ReconcileState.read(cycle.states().get(0).json()).completedAt()).isEmpty();

    // Interrupted after its first slice: the same cycle resumes after it, whatever the interval.
    Window range =
        new Window(Instant.parse("2026-05-08T00:00:00Z"), Instant.parse("2026-05-09T12:00:00Z"));
    ReconcileState half =
        ReconcileState.after(range, Instant.parse("2026-05-08T12:00:00Z"), Optional.empty());
    PollPlan resumed =
        plan(
            Optional.of(mark),
            Optional.of(
                new Checkpoints.Mark(range.to(), half.json().put("completedAt", NOW.toString()))),
            checkpoint,
            FLEET);
    assertThat(resumed.reconcile().orElseThrow().slices())
        .extracting(Window::from)
        .containsExactly(
            Instant.parse("2026-05-08T12:00:00Z"), Instant.parse("2026-05-09T00:00:00Z"));
  }

  @Test
  void noActiveDevicesSkipsAndAWindowNotYetOpenRunsNothing() {
    assertThat(plan(Optional.empty(), Optional.empty(), NOW, List.of()).skipped())
        .isEqualTo("no active devices");
    Checkpoints.Mark mark =
        new Checkpoints.Mark(
            NOW.plus(Duration.ofHours(2)),
            Coverage.of(FLEET, NOW.minus(Duration.ofDays(1))).json());
    PollPlan plan = plan(Optional.of(mark), Optional.of(reconciled(NOW)), mark.position(), FLEET);
    assertThat(plan.skipped()).isNull();
    assertThat(plan.main()).isEmpty();
    assertThat(plan.catchUp()).isEmpty();
  }

  private static Checkpoints.Mark reconciled(Instant at) {
    return new Checkpoints.Mark(at, ReconcileState.scheduledAt(at).json());
  }

  private static PollPlan plan(
      Optional<Checkpoints.Mark> main,
      Optional<Checkpoints.Mark> reconcile,
      Instant start,
      List<String> active) {
    return PollPlan.plan(
        Endpoint.ALARMS, CONFIG, new PollPlan.Inputs(main, reconcile, start, active, NOW));
  }
}
