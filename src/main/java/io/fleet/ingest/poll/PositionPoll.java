package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Latest positions of every target's devices into position_history; a re-polled fix is unchanged. */
final class PositionPoll {
  private PositionPoll() {
  }

  static Future<RunResult> run(PollRunner runner, FleetSource source) {
    String stream = Endpoint.POSITIONS.stream();
    String account = source.account();
    Instant startedAt = runner.clock().instant();
    long t0 = System.nanoTime();
    List<VendorRows.Position> all = new ArrayList<>();
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
      Guarded<VendorRows.Position> g = Guarded.split(all, runner.sinks(), VendorRows.Position::imei,
          VendorRows.Position::gpsTime, VendorRows.Position::raw);
      List<VendorRows.Position> ok = new ArrayList<>();
      List<IngestSinks.Rejected> rejected = new ArrayList<>(g.rejected());
      for (VendorRows.Position p : g.accepted()) {
        if (p.lat() == null || p.lng() == null || (p.lat() == 0 && p.lng() == 0)
            || Math.abs(p.lat()) > 90 || Math.abs(p.lng()) > 180) {
          rejected.add(new IngestSinks.Rejected("bad_coordinates", "lat " + p.lat() + ", lng " + p.lng(), p.imei(),
              p.raw() == null ? new JsonObject() : p.raw()));
        } else {
          ok.add(p);
        }
      }
      Instant newest = ok.stream().map(VendorRows.Position::gpsTime).max(Instant::compareTo)
          .orElse(runner.clock().instant());
      Window w = ok.isEmpty() ? null : new Window(ok.stream().map(VendorRows.Position::gpsTime)
          .min(Instant::compareTo).orElseThrow(), newest);
      return runner.pool().withTransaction(conn -> runner.sinks().quarantine(conn, stream, rejected)
          .compose(q -> runner.sinks().positions(conn, ok))
          .compose(c -> DeviceContacts.record(conn, g.accepted(), runner.clock().instant()).map(c))
          .map(c -> c.withFetched(all.size()).withRejected(rejected.size()))
          .compose(c -> runner.sinks().log(conn, runner.record(stream, account, "scheduled", w, c, startedAt, t0,
                  failures.isEmpty() ? "ok" : "error", failures.isEmpty() ? null : String.join("; ", failures)))
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
}
