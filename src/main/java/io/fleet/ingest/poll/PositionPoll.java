package io.fleet.ingest.poll;

import io.fleet.ingest.store.Checkpoints;
import io.fleet.ingest.store.DeviceContactWriter;
import io.fleet.ingest.store.DeviceContactWriter.DeviceContact;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.PositionWriter;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.tracksolid.Lenient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Latest positions of every target's devices into position_history; a re-polled fix is unchanged. */
final class PositionPoll {
  private static final PositionWriter POSITIONS = new PositionWriter();
  private static final DeviceContactWriter CONTACTS = new DeviceContactWriter();

  private PositionPoll() {
  }

  static Future<RunResult> run(PollRunner runner, FleetSource source) {
    String stream = Endpoint.POSITIONS.stream();
    String account = source.account();
    Instant startedAt = runner.clock().instant();
    long t0 = System.nanoTime();
    List<PositionRecord> all = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String target : source.targets()) {
      chain = chain.compose(v -> source.latestPositions(target)
          .onSuccess(all::addAll)
          .onFailure(e -> failures.add(target + ": " + e.getMessage()))
          .<Void>mapEmpty().otherwiseEmpty());
    }
    return chain.compose(v -> {
      if (all.isEmpty() && !failures.isEmpty()) {
        return Future.failedFuture(new IllegalStateException(String.join("; ", failures)));
      }
      Guarded<PositionRecord> g = Guarded.split(all, stream, runner.guard(), PositionRecord::imei,
          PositionRecord::gpsTime, PositionRecord::raw);
      List<PositionRecord> ok = new ArrayList<>();
      List<QuarantineItem> rejected = new ArrayList<>(g.rejected());
      for (PositionRecord p : g.accepted()) {
        if (p.lat() == null || p.lng() == null || (p.lat() == 0 && p.lng() == 0)
            || Math.abs(p.lat()) > 90 || Math.abs(p.lng()) > 180) {
          rejected.add(new QuarantineItem(stream, "bad_coordinates", "lat " + p.lat() + ", lng " + p.lng(), p.imei(),
              Guarded.item(p.raw())));
        } else {
          ok.add(p);
        }
      }
      Instant newest = ok.stream().map(PositionRecord::gpsTime).max(Instant::compareTo)
          .orElse(runner.clock().instant());
      Window w = ok.isEmpty() ? null : new Window(ok.stream().map(PositionRecord::gpsTime)
          .min(Instant::compareTo).orElseThrow(), newest);
      List<DeviceContact> contacts = g.accepted().stream().map(PositionPoll::contact).toList();
      return runner.pool().withTransaction(conn -> runner.quarantine(conn, rejected)
          .compose(q -> POSITIONS.write(conn, ok))
          .compose(written -> CONTACTS.write(conn, contacts, runner.clock().instant()).map(written))
          .map(written -> Counts.of(all.size(), written, rejected.size()))
          .compose(c -> runner.log(conn, runner.record(stream, account, "scheduled", w, c, startedAt, t0,
                  failures.isEmpty() ? "ok" : "error", failures.isEmpty() ? null : String.join("; ", failures)), null)
              .compose(x -> Checkpoints.advance(conn, account, Endpoint.POSITIONS.key(), newest, new JsonObject(),
                  runner.clock().instant()))
              .map(c)));
    }).map(c -> {
      runner.metrics().rows(stream, c);
      runner.metrics().duration(stream, account, PollRunner.elapsed(t0));
      return new RunResult(failures.isEmpty() ? "ok" : "error", c, 1,
          failures.isEmpty() ? null : String.join("; ", failures));
    }).recover(err -> runner.failed(stream, account, "scheduled", null, startedAt, t0, err)
        .transform(x -> Future.failedFuture(err)));
  }

  /** The heartbeat (hbTime) and online flag ride along in the vendor row. */
  private static DeviceContact contact(PositionRecord p) {
    JsonObject raw = Guarded.item(p.raw());
    Boolean online = Lenient.text(raw, "status")
        .map(s -> s.equals("1") ? Boolean.TRUE : s.equals("0") ? Boolean.FALSE : null).orElse(null);
    return new DeviceContact(p.imei(), p.gpsTime(), Lenient.time(raw, "hbTime").orElse(null), online);
  }
}
