package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.ingest.Judged;
import io.fleet.ingest.ingest.Reason;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.RowsWrite;
import io.fleet.ingest.ingest.Verdict;
import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.DeviceContactWriter;
import io.fleet.ingest.store.DeviceContactWriter.DeviceContact;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.PositionWriter;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Latest positions of every target's devices into position_history; a re-polled fix is unchanged.
 */
final class PositionPoll {
  private static final PositionWriter POSITIONS = new PositionWriter();
  private static final DeviceContactWriter CONTACTS = new DeviceContactWriter();

  private final Clock clock;
  private final RowRules rules;
  private final PollMetrics metrics;
  private final IngestRun ingestRun;
  private final RunFailure failure;

  PositionPoll(
      Clock clock, RowRules rules, PollMetrics metrics, IngestRun ingestRun, RunFailure failure) {
    this.clock = clock;
    this.rules = rules;
    this.metrics = metrics;
    this.ingestRun = ingestRun;
    this.failure = failure;
  }

  /**
   * @param fence the poller's lease
   */
  Future<RunResult> run(FleetSource source, Fence fence) {
    String stream = Endpoint.POSITIONS.stream();
    String account = source.account();
    Instant startedAt = clock.instant();
    IngestRun.Run unwindowed =
        new IngestRun.Run(stream, account, RunKind.SCHEDULED, null, null, startedAt);
    long t0 = System.nanoTime();
    List<PositionRecord> all = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String target : source.targets()) {
      chain =
          chain.compose(
              v ->
                  source
                      .latestPositions(target)
                      .onSuccess(all::addAll)
                      .onFailure(e -> failures.add(target + ": " + e.getMessage()))
                      .<Void>mapEmpty()
                      .otherwiseEmpty());
    }
    return chain
        .compose(
            v -> {
              if (all.isEmpty() && !failures.isEmpty()) {
                return Future.failedFuture(new IllegalStateException(String.join("; ", failures)));
              }
              Instant now = rules.now();
              Judged<PositionRecord> judged =
                  rules.judge(stream, all, now, rules::position, PositionRecord::raw);
              List<PositionRecord> ok = judged.accepted();
              // A tracker without a GPS lock still reports its heartbeat: its contact counts even
              // when its coordinates do not make a fix.
              List<DeviceContact> contacts =
                  all.stream()
                      .filter(p -> contactable(rules.position(p, now)))
                      .map(PositionPoll::contact)
                      .toList();
              Instant newest =
                  ok.stream()
                      .map(PositionRecord::gpsTime)
                      .max(Instant::compareTo)
                      .orElse(clock.instant());
              Window w =
                  ok.isEmpty()
                      ? null
                      : new Window(
                          ok.stream()
                              .map(PositionRecord::gpsTime)
                              .min(Instant::compareTo)
                              .orElseThrow(),
                          newest);
              IngestRun.Run run =
                  w == null
                      ? unwindowed
                      : new IngestRun.Run(
                          stream, account, RunKind.SCHEDULED, w.from(), w.to(), startedAt);
              IngestRun.Commit commit =
                  IngestRun.Commit.of(
                          run,
                          all.size(),
                          judged.rejected(),
                          new RowsWrite<>(
                              stream,
                              ok,
                              POSITIONS::write,
                              PositionRecord::imei,
                              PositionRecord::raw),
                          conn -> CONTACTS.write(conn, contacts, clock.instant()))
                      .withDetail(judged.detail())
                      .fenced(fence)
                      .advancing(
                          new IngestRun.Checkpoint(
                              Endpoint.POSITIONS.key(), newest, new JsonObject()));
              return ingestRun.commit(
                  failures.isEmpty() ? commit : commit.failedPartly(String.join("; ", failures)));
            })
        .map(
            committed -> {
              metrics.duration(stream, account, RunFailure.elapsed(t0));
              return new RunResult(
                  failures.isEmpty() ? RunStatus.OK : RunStatus.ERROR,
                  committed.counts(),
                  1,
                  failures.isEmpty() ? null : String.join("; ", failures));
            })
        .recover(
            err -> failure.record(unwindowed, t0, err).transform(x -> Future.failedFuture(err)));
  }

  private static boolean contactable(Verdict<PositionRecord> v) {
    return v instanceof Verdict.Accepted
        || (v instanceof Verdict.Refused<PositionRecord> r && r.reason() == Reason.BAD_COORDINATES);
  }

  /** The heartbeat (hbTime) and online flag ride along in the vendor row. */
  private static DeviceContact contact(PositionRecord p) {
    JsonObject raw = p.raw() == null ? new JsonObject() : p.raw();
    Boolean online =
        Lenient.text(raw, "status")
            .map(s -> s.equals("1") ? Boolean.TRUE : s.equals("0") ? Boolean.FALSE : null)
            .orElse(null);
    return new DeviceContact(
        p.imei(), p.gpsTime(), Lenient.time(raw, "hbTime").orElse(null), online);
  }
}
