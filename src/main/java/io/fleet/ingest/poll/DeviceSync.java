package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists every target, upserts what came back, and only when every target answered and the total
 * is sane disables the devices absent from all lists. An API outage never disables the fleet.
 */
final class DeviceSync {
  private static final Logger log = LoggerFactory.getLogger(DeviceSync.class);

  private record Listed(String target, List<VendorRows.Device> devices, Throwable error) {
  }

  private DeviceSync() {
  }

  /** @param runKind 'scheduled' from the poller, 'backfill' from the backfill command (health ignores it) */
  static Future<RunResult> run(PollRunner runner, FleetSource source, String runKind) {
    String stream = Endpoint.DEVICES.stream();
    String account = source.account();
    Instant startedAt = runner.clock().instant();
    long t0 = System.nanoTime();
    return listAll(source, source.targets(), 0, new ArrayList<>()).compose(listed -> {
      Map<String, VendorRows.Device> byImei = new LinkedHashMap<>();
      List<IngestSinks.Rejected> rejected = new ArrayList<>();
      int fetched = 0;
      List<String> failures = new ArrayList<>();
      for (Listed l : listed) {
        if (l.error() != null) {
          failures.add(l.target() + ": " + l.error().getMessage());
          continue;
        }
        fetched += l.devices().size();
        for (VendorRows.Device d : l.devices()) {
          if (d.imei() == null || d.imei().isBlank()) {
            rejected.add(new IngestSinks.Rejected("missing_imei", "device row has no imei", null,
                d.raw() == null ? new JsonObject() : d.raw()));
          } else {
            byImei.put(d.imei(), d);
          }
        }
      }
      boolean complete = failures.isEmpty() && !byImei.isEmpty();
      int fetchedTotal = fetched;
      Instant now = runner.clock().instant();
      return runner.pool().withTransaction(conn -> runner.sinks().quarantine(conn, stream, rejected)
              .compose(q -> DeviceWriter.upsert(conn, account, List.copyOf(byImei.values()), now))
              .compose(c -> !complete ? Future.succeededFuture(c) : disablePass(runner, conn, account, byImei, now, c))
              .map(c -> c.withFetched(fetchedTotal).withRejected(rejected.size()))
              .compose(c -> runner.sinks().log(conn, runner.record(stream, account, runKind, null, c, startedAt,
                      t0, failures.isEmpty() ? "ok" : "error",
                      failures.isEmpty() ? null : "disable pass skipped; failed targets: " + String.join("; ", failures)))
                  .compose(v -> Checkpoints.advance(conn, account, Endpoint.DEVICES.key(), now,
                      new JsonObject().put("complete", complete), now))
                  .map(c)))
          .map(c -> {
            runner.metrics().rows(stream, c);
            runner.metrics().duration(stream, account, PollRunner.elapsed(t0));
            runner.metrics().checkpoint(stream, account, now);
            if (!failures.isEmpty()) {
              log.warn("device sync for {}: {} target(s) failed, disable pass skipped: {}", account, failures.size(),
                  failures);
            }
            return new RunResult(failures.isEmpty() ? "ok" : "error", c, 1,
                failures.isEmpty() ? null : String.join("; ", failures));
          })
          .recover(err -> runner.failed(stream, account, runKind, null, startedAt, t0, err)
              .transform(x -> Future.failedFuture(err)));
    });
  }

  private static Future<Counts> disablePass(PollRunner runner, io.vertx.sqlclient.SqlConnection conn, String account,
                                            Map<String, VendorRows.Device> seen, Instant now, Counts c) {
    return DeviceWriter.activeCount(conn, account).compose(active -> {
      long absent = Math.max(0, active - seen.size());
      // A list that suddenly lost most of the fleet is more likely a vendor glitch than a fleet change.
      if (active > 0 && absent > Math.ceil(active * runner.config().disableMaxFraction())) {
        log.warn("device sync for {}: {} of {} active devices missing, above POLL_DISABLE_MAX_FRACTION; not disabling",
            account, absent, active);
        return Future.succeededFuture(c);
      }
      return DeviceWriter.disableAbsent(conn, account, seen.keySet(), now)
          .map(n -> new Counts(c.fetched(), c.inserted(), c.updated() + n, c.rejected()));
    });
  }

  private static Future<List<Listed>> listAll(FleetSource source, List<String> targets, int i, List<Listed> acc) {
    if (i >= targets.size()) {
      return Future.succeededFuture(acc);
    }
    String target = targets.get(i);
    return source.devices(target)
        .map(list -> new Listed(target, list, null))
        .otherwise(err -> new Listed(target, List.of(), err))
        .compose(l -> {
          acc.add(l);
          return listAll(source, targets, i + 1, acc);
        });
  }
}
