package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.DeviceContactWriter;
import io.fleet.ingest.store.DeviceContactWriter.DeviceContact;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.PositionWriter;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Latest positions of every target's devices into position_history; a re-polled fix is unchanged.
 */
final class PositionPoll {
  private static final PositionWriter POSITIONS = new PositionWriter();
  private static final DeviceContactWriter CONTACTS = new DeviceContactWriter();

  private PositionPoll() {}

  /**
   * @param fence the poller's lease
   */
  static Future<RunResult> run(PollRunner runner, FleetSource source, Fence fence) {
    String stream = Endpoint.POSITIONS.stream();
    String account = source.account();
    Instant startedAt = runner.clock().instant();
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
              Guarded<PositionRecord> g =
                  Guarded.split(
                      all,
                      stream,
                      runner.guard(),
                      PositionRecord::imei,
                      PositionRecord::gpsTime,
                      PositionRecord::raw);
              List<PositionRecord> ok = new ArrayList<>();
              List<QuarantineItem> rejected = new ArrayList<>(g.rejected());
              for (PositionRecord p : g.accepted()) {
                if (p.lat() == null
                    || p.lng() == null
                    || (p.lat() == 0 && p.lng() == 0)
                    || Math.abs(p.lat()) > 90
                    || Math.abs(p.lng()) > 180) {
                  rejected.add(
                      new QuarantineItem(
                          stream,
                          "bad_coordinates",
                          "lat " + p.lat() + ", lng " + p.lng(),
                          p.imei(),
                          Guarded.item(p.raw())));
                } else {
                  ok.add(p);
                }
              }
              Instant newest =
                  ok.stream()
                      .map(PositionRecord::gpsTime)
                      .max(Instant::compareTo)
                      .orElse(runner.clock().instant());
              Window w =
                  ok.isEmpty()
                      ? null
                      : new Window(
                          ok.stream()
                              .map(PositionRecord::gpsTime)
                              .min(Instant::compareTo)
                              .orElseThrow(),
                          newest);
              List<DeviceContact> contacts =
                  g.accepted().stream().map(PositionPoll::contact).toList();
              IngestRun.Run run =
                  w == null
                      ? unwindowed
                      : new IngestRun.Run(
                          stream, account, RunKind.SCHEDULED, w.from(), w.to(), startedAt);
              IngestRun.Commit commit =
                  IngestRun.Commit.of(
                          run,
                          all.size(),
                          rejected,
                          conn ->
                              POSITIONS
                                  .write(conn, ok)
                                  .compose(
                                      written ->
                                          CONTACTS
                                              .write(conn, contacts, runner.clock().instant())
                                              .map(written)))
                      .fenced(fence)
                      .advancing(
                          new IngestRun.Checkpoint(
                              Endpoint.POSITIONS.key(), newest, new JsonObject()));
              return runner
                  .run()
                  .commit(
                      failures.isEmpty()
                          ? commit
                          : commit.failedPartly(String.join("; ", failures)));
            })
        .map(
            committed -> {
              runner.metrics().duration(stream, account, PollRunner.elapsed(t0));
              return new RunResult(
                  failures.isEmpty() ? RunStatus.OK : RunStatus.ERROR,
                  committed.counts(),
                  1,
                  failures.isEmpty() ? null : String.join("; ", failures));
            })
        .recover(
            err -> runner.failed(unwindowed, t0, err).transform(x -> Future.failedFuture(err)));
  }

  /** The heartbeat (hbTime) and online flag ride along in the vendor row. */
  private static DeviceContact contact(PositionRecord p) {
    JsonObject raw = Guarded.item(p.raw());
    Boolean online =
        Lenient.text(raw, "status")
            .map(s -> s.equals("1") ? Boolean.TRUE : s.equals("0") ? Boolean.FALSE : null)
            .orElse(null);
    return new DeviceContact(
        p.imei(), p.gpsTime(), Lenient.time(raw, "hbTime").orElse(null), online);
  }
}
