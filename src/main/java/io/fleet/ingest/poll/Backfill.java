package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.store.Checkpoints;
import io.fleet.ingest.store.RunKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks history through the scheduled pipeline (same phases, same writers, run_kind 'backfill'),
 * slice by slice within the API's limits. Progress is the checkpoint 'backfill:&lt;endpoint&gt;'
 * with the asked range in its state: a rerun of the same range resumes after the last committed
 * slice and a finished range costs no vendor call at all. The scheduled checkpoints are never
 * touched.
 */
public final class Backfill {
  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** Told after each committed slice and once per job (account, endpoint) up front. */
  public interface Progress {
    void planned(String account, Endpoint endpoint, int totalSlices, int alreadyDone);

    void sliceDone(String account, Endpoint endpoint, Window slice, Counts counts);
  }

  public record Summary(Counts counts, int slices, int skippedSlices) {}

  private final Duration slice;
  private final Pool pool;
  private final PollReads reads;
  private final SliceRunner slices;
  private final DeviceSync devices;

  Backfill(Duration slice, Pool pool, PollReads reads, SliceRunner slices, DeviceSync devices) {
    this.slice = slice;
    this.pool = pool;
    this.reads = reads;
    this.slices = slices;
    this.devices = devices;
  }

  public Future<Summary> run(
      List<FleetSource> sources,
      List<Endpoint> endpoints,
      Instant from,
      Instant to,
      Progress progress,
      BooleanSupplier cancelled) {
    Window range = new Window(from, to);
    List<Window> all = range.slices(slice);
    Summary[] total = {new Summary(Counts.ZERO, 0, 0)};
    Future<Void> chain = Future.succeededFuture();
    for (FleetSource source : sources) {
      // The windowed endpoints ask for the devices stored for the account: sync them first.
      chain = chain.compose(v -> devices.run(source, RunKind.BACKFILL, null).<Void>mapEmpty());
      for (Endpoint endpoint : endpoints) {
        if (!endpoint.windowed()) {
          continue;
        }
        chain =
            chain.compose(
                v ->
                    job(source, endpoint, range, all, progress, cancelled)
                        .map(
                            s -> {
                              total[0] =
                                  new Summary(
                                      total[0].counts().plus(s.counts()),
                                      total[0].slices() + s.slices(),
                                      total[0].skippedSlices() + s.skippedSlices());
                              return null;
                            }));
      }
    }
    return chain.map(v -> total[0]);
  }

  private Future<Summary> job(
      FleetSource source,
      Endpoint endpoint,
      Window range,
      List<Window> all,
      Progress progress,
      BooleanSupplier cancelled) {
    String account = source.account();
    String key = endpoint.backfillKey();
    JsonObject state =
        new JsonObject().put("from", range.from().toString()).put("to", range.to().toString());
    return Checkpoints.read(pool, account, key)
        .compose(
            mark -> {
              boolean sameRange =
                  mark.isPresent()
                      && state.getString("from").equals(mark.get().state().getString("from"))
                      && state.getString("to").equals(mark.get().state().getString("to"));
              Instant done = sameRange ? mark.get().position() : range.from();
              Future<Void> reset =
                  mark.isPresent() && !sameRange
                      ? Checkpoints.reset(pool, account, key)
                      : Future.succeededFuture();
              List<Window> todo = new ArrayList<>();
              for (Window w : all) {
                if (w.to().isAfter(done)) {
                  todo.add(w);
                }
              }
              int skipped = all.size() - todo.size();
              progress.planned(account, endpoint, all.size(), skipped);
              if (skipped > 0) {
                log.info(
                    "backfill {} {}: resuming after {}, {} of {} slices already done",
                    endpoint.key(),
                    account,
                    done,
                    skipped,
                    all.size());
              }
              return reset
                  .compose(v -> reads.activeImeis(account))
                  .compose(
                      imeis -> {
                        Future<Summary> chain =
                            Future.succeededFuture(new Summary(Counts.ZERO, 0, skipped));
                        if (imeis.isEmpty()) {
                          return chain;
                        }
                        for (Window w : todo) {
                          chain =
                              chain.compose(
                                  s ->
                                      cancelled.getAsBoolean()
                                          ? Future.succeededFuture(s)
                                          : slices
                                              .slice(
                                                  source,
                                                  endpoint,
                                                  imeis,
                                                  w,
                                                  RunKind.BACKFILL,
                                                  key,
                                                  state,
                                                  null)
                                              .map(
                                                  c -> {
                                                    progress.sliceDone(account, endpoint, w, c);
                                                    return new Summary(
                                                        s.counts().plus(c),
                                                        s.slices() + 1,
                                                        s.skippedSlices());
                                                  }));
                        }
                        return chain;
                      });
            });
  }
}
