package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.ingest.Judged;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.RowsWrite;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.Checkpoints;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.DeviceWriter;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists every target, upserts what came back, and only when every target answered and the total is
 * sane disables the devices absent from all lists. An API outage never disables the fleet.
 */
final class DeviceSync {
  private static final Logger log = LoggerFactory.getLogger(DeviceSync.class);
  private static final DeviceWriter WRITER = new DeviceWriter();

  private record Listed(String target, List<DeviceRecord> devices, Throwable error) {}

  private final Pool pool;
  private final Clock clock;
  private final double disableMaxFraction;
  private final RowRules rules;
  private final PollMetrics metrics;
  private final IngestRun ingestRun;
  private final RunFailure failure;

  DeviceSync(
      Pool pool,
      Clock clock,
      double disableMaxFraction,
      RowRules rules,
      PollMetrics metrics,
      IngestRun ingestRun,
      RunFailure failure) {
    this.pool = pool;
    this.clock = clock;
    this.disableMaxFraction = disableMaxFraction;
    this.rules = rules;
    this.metrics = metrics;
    this.ingestRun = ingestRun;
    this.failure = failure;
  }

  /**
   * @param runKind scheduled from the poller, backfill from the backfill command (health ignores
   *     it)
   * @param fence the poller's lease, or null (backfill)
   */
  Future<RunResult> run(FleetSource source, RunKind runKind, Fence fence) {
    String stream = Endpoint.DEVICES.stream();
    String account = source.account();
    IngestRun.Run run = new IngestRun.Run(stream, account, runKind, null, null, clock.instant());
    long t0 = System.nanoTime();
    return Checkpoints.read(pool, account, Endpoint.DEVICES.key())
        .map(mark -> mark.map(m -> m.state().getJsonObject("targets")).orElse(null))
        .compose(
            before ->
                listAll(source, source.targets(), 0, new ArrayList<>())
                    .map(listed -> sync(rules, stream, before, listed)))
        .compose(sync -> write(run, fence, t0, sync))
        .recover(err -> failure.record(run, t0, err).transform(x -> Future.failedFuture(err)));
  }

  private record Sync(
      Map<String, DeviceRecord> byImei,
      List<QuarantineItem> rejected,
      int fetched,
      List<String> failures,
      int listedOk,
      JsonObject targets,
      Map<String, Integer> cleared) {}

  /**
   * What the lists say; a target that had devices and now lists none counts as failed, not as
   * empty.
   */
  private static Sync sync(RowRules rules, String stream, JsonObject before, List<Listed> listed) {
    JsonObject prior = before == null ? new JsonObject() : before;
    JsonObject targets = prior.copy();
    Map<String, DeviceRecord> byImei = new LinkedHashMap<>();
    List<QuarantineItem> rejected = new ArrayList<>();
    int fetched = 0;
    int listedOk = 0;
    List<String> failures = new ArrayList<>();
    Map<String, Integer> cleared = new java.util.TreeMap<>();
    for (Listed l : listed) {
      if (l.error() != null) {
        failures.add(l.target() + ": " + l.error().getMessage());
        continue;
      }
      fetched += l.devices().size();
      int had = prior.getInteger(l.target(), 0);
      if (l.devices().isEmpty() && had > 0) {
        // Far likelier a vendor glitch than a whole sub-account emptied; the count stays for the
        // next run.
        failures.add(l.target() + ": listed no devices (had " + had + ")");
        continue;
      }
      listedOk++;
      targets.put(l.target(), l.devices().size());
      Judged<DeviceRecord> judged =
          rules.judge(stream, l.devices(), rules.now(), rules::device, DeviceRecord::raw);
      rejected.addAll(judged.rejected());
      judged.cleared().forEach((field, n) -> cleared.merge(field, n, Integer::sum));
      for (DeviceRecord d : judged.accepted()) {
        byImei.put(d.imei(), d);
      }
    }
    return new Sync(byImei, rejected, fetched, failures, listedOk, targets, cleared);
  }

  private Future<RunResult> write(IngestRun.Run run, Fence fence, long t0, Sync s) {
    String account = run.account();
    List<String> failures = s.failures();
    boolean complete = failures.isEmpty() && !s.byImei().isEmpty();
    // Only a sync that heard from at least one target vouches for anything.
    boolean advance = s.listedOk() > 0;
    Instant now = clock.instant();
    JsonObject detail = new Judged<DeviceRecord>(List.of(), List.of(), s.cleared()).detail();
    IngestRun.Commit commit =
        IngestRun.Commit.of(
                run,
                s.fetched(),
                s.rejected(),
                new RowsWrite<DeviceRecord>(
                    run.stream(),
                    List.copyOf(s.byImei().values()),
                    (conn, rows) -> WRITER.write(conn, rows, now),
                    DeviceRecord::imei,
                    DeviceRecord::raw),
                conn ->
                    complete
                        ? disablePass(conn, account, s.byImei(), now, detail)
                        : Future.succeededFuture())
            .fenced(fence)
            .withDetail(detail);
    if (!failures.isEmpty()) {
      commit =
          commit.failedPartly(
              "disable pass skipped; failed targets: " + String.join("; ", failures));
    }
    if (advance) {
      commit =
          commit.advancing(
              new IngestRun.Checkpoint(
                  Endpoint.DEVICES.key(),
                  now,
                  new JsonObject().put("complete", complete).put("targets", s.targets())));
    }
    return ingestRun
        .commit(commit)
        .map(
            committed -> {
              metrics.duration(run.stream(), account, RunFailure.elapsed(t0));
              if (advance) {
                metrics.checkpoint(run.stream(), account, now);
              }
              if (!failures.isEmpty()) {
                log.warn(
                    "device sync for {}: {} target(s) failed, disable pass skipped: {}",
                    account,
                    failures.size(),
                    failures);
              }
              return new RunResult(
                  failures.isEmpty() ? RunStatus.OK : RunStatus.ERROR,
                  committed.counts(),
                  1,
                  failures.isEmpty() ? null : String.join("; ", failures));
            });
  }

  /**
   * Disabled devices were not fetched, so they are not 'updated': they go to the log row's detail,
   * keeping fetched = inserted + updated + rejected + unchanged.
   */
  private Future<Void> disablePass(
      io.vertx.sqlclient.SqlConnection conn,
      String account,
      Map<String, DeviceRecord> seen,
      Instant now,
      JsonObject detail) {
    return WRITER
        .activeCount(conn, account)
        .compose(
            active -> {
              long absent = Math.max(0, active - seen.size());
              // A list that suddenly lost most of the fleet is more likely a vendor glitch than a
              // fleet change.
              if (active > 0 && absent > Math.ceil(active * disableMaxFraction)) {
                log.warn(
                    "device sync for {}: {} of {} active devices missing, above POLL_DISABLE_MAX_FRACTION; not disabling",
                    account,
                    absent,
                    active);
                detail.put(
                    "disableSkipped",
                    absent
                        + " of "
                        + active
                        + " active devices missing, above POLL_DISABLE_MAX_FRACTION");
                return Future.succeededFuture();
              }
              return WRITER
                  .disableAbsent(conn, account, seen.keySet(), now)
                  .map(
                      disabled -> {
                        if (!disabled.isEmpty()) {
                          detail
                              .put("disabled", disabled.size())
                              .put("disabledImeis", new io.vertx.core.json.JsonArray(disabled));
                        }
                        return null;
                      });
            });
  }

  private static Future<List<Listed>> listAll(
      FleetSource source, List<String> targets, int i, List<Listed> acc) {
    if (i >= targets.size()) {
      return Future.succeededFuture(acc);
    }
    String target = targets.get(i);
    return source
        .devices(target)
        .map(list -> new Listed(target, list, null))
        .otherwise(err -> new Listed(target, List.of(), err))
        .compose(
            l -> {
              acc.add(l);
              return listAll(source, targets, i + 1, acc);
            });
  }
}
