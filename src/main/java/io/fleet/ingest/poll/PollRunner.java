package io.fleet.ingest.poll;

import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.Checkpoints;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs windowed polls (alarms, trips, parking): works out the window from the checkpoint, cuts it
 * into slices, and for each slice prepares the rows with no connection held, then commits them
 * through the one run transaction ({@link IngestRun}). A failed slice logs an error row and stops
 * the run; the checkpoint stays at the last committed slice.
 */
public final class PollRunner {
  private static final Logger log = LoggerFactory.getLogger(PollRunner.class);
  private static final String ACTIVE_IMEIS =
      "SELECT imei FROM tracksolid.devices WHERE account = $1 AND active ORDER BY imei";

  private final Pool pool;
  private final Clock clock;
  private final PollConfig config;
  private final RowRules rules;
  private final PollMetrics metrics;
  private final IngestRun run;
  private final Map<Endpoint, SliceJob> jobs = new EnumMap<>(Endpoint.class);

  public PollRunner(
      Pool pool,
      Clock clock,
      PollConfig config,
      TimestampGuard guard,
      Optional<AddressLookup> geocoder,
      PollMetrics metrics,
      String instanceId) {
    this.pool = pool;
    this.clock = clock;
    this.config = config;
    this.rules = new RowRules(guard);
    this.metrics = metrics;
    this.run = new IngestRun(pool, clock, metrics.ingest(), instanceId);
    jobs.put(Endpoint.ALARMS, new AlarmSlice(rules));
    Enrichment enrichment = new Enrichment(pool, geocoder, config.geocodeWait());
    jobs.put(Endpoint.TRIPS, new TripSlice(rules, enrichment, clock));
    jobs.put(Endpoint.PARKING, new ParkingSlice(rules, enrichment, clock));
  }

  public Pool pool() {
    return pool;
  }

  public Clock clock() {
    return clock;
  }

  public PollConfig config() {
    return config;
  }

  RowRules rules() {
    return rules;
  }

  PollMetrics metrics() {
    return metrics;
  }

  IngestRun run() {
    return run;
  }

  /**
   * The scheduled run: checkpoint − overlap up to now − settle. Devices the checkpoint has not
   * covered yet (added to the account since, back after being disabled, or missed while a target
   * failed to list) first get their own catch-up from where the account's history begins (never
   * further back than now − lookback). A failed catch-up does not hold up the main window: the
   * newcomers simply stay uncovered and are caught up on the next run. After a clean main window
   * the reconcile pass re-polls the days behind the checkpoint when it is due.
   */
  public Future<RunResult> scheduled(
      FleetSource source, Endpoint endpoint, BooleanSupplier cancelled) {
    return scheduled(source, endpoint, cancelled, null);
  }

  /**
   * As above; with a {@code fence}, every slice commits only while this replica still holds the
   * job's lease.
   */
  public Future<RunResult> scheduled(
      FleetSource source, Endpoint endpoint, BooleanSupplier cancelled, Fence fence) {
    Instant now = clock.instant();
    String account = source.account();
    return Checkpoints.read(pool, account, endpoint.key())
        .compose(
            mark ->
                startPoint(account, endpoint, mark, now)
                    .compose(
                        start ->
                            activeImeis(account)
                                .compose(
                                    imeis -> {
                                      if (imeis.isEmpty()) {
                                        return Future.succeededFuture(
                                            RunResult.skipped(
                                                "no active devices for account " + account));
                                      }
                                      // Only devices active now count as covered: one disabled for
                                      // a while is a newcomer when it returns.
                                      Set<String> covered =
                                          new TreeSet<>(
                                              mark.map(m -> covered(m.state(), imeis))
                                                  .orElse(imeis));
                                      covered.retainAll(imeis);
                                      List<String> newcomers =
                                          imeis.stream().filter(i -> !covered.contains(i)).toList();
                                      // Where this account's history begins: a device that turns up
                                      // later is caught up from here.
                                      Instant since =
                                          mark.map(m -> m.state().getString("since"))
                                              .map(Instant::parse)
                                              .orElse(
                                                  mark.isPresent()
                                                      ? now.minus(config.lookback())
                                                      : start);
                                      JsonObject state = state(imeis, since);
                                      Future<RunResult> catchUp =
                                          Future.succeededFuture(
                                              new RunResult(RunStatus.OK, Counts.ZERO, 0, null));
                                      if (!newcomers.isEmpty()) {
                                        Instant from = max(since, now.minus(config.lookback()));
                                        log.info(
                                            "{} {}: {} device(s) not yet covered, catching up from {}",
                                            endpoint.stream(),
                                            account,
                                            newcomers.size(),
                                            from);
                                        Window back =
                                            new Window(
                                                from.minus(config.overlapFor(endpoint.key())),
                                                start);
                                        // Only the last catch-up slice marks the newcomers covered.
                                        List<Window> slices = back.slices(config.slice());
                                        catchUp =
                                            runSlices(
                                                    source,
                                                    endpoint,
                                                    newcomers,
                                                    slices,
                                                    RunKind.SCHEDULED,
                                                    endpoint.key(),
                                                    i ->
                                                        i == slices.size() - 1
                                                            ? state
                                                            : new JsonObject(),
                                                    cancelled,
                                                    fence)
                                                .recover(
                                                    err ->
                                                        Future.succeededFuture(
                                                            new RunResult(
                                                                RunStatus.ERROR,
                                                                Counts.ZERO,
                                                                0,
                                                                "catch-up of "
                                                                    + newcomers.size()
                                                                    + " device(s) failed: "
                                                                    + err.getMessage())));
                                      }
                                      Window window =
                                          Window.next(
                                              start,
                                              now,
                                              config.overlapFor(endpoint.key()),
                                              config.settle());
                                      return catchUp.compose(
                                          first -> {
                                            if (cancelled.getAsBoolean() || window.isEmpty()) {
                                              return Future.succeededFuture(first);
                                            }
                                            // Newcomers whose catch-up failed are polled here too,
                                            // but stay uncovered until it succeeds.
                                            JsonObject mainState =
                                                first.ok()
                                                    ? state
                                                    : state(
                                                        imeis.stream()
                                                            .filter(covered::contains)
                                                            .toList(),
                                                        since);
                                            return runSlices(
                                                    source,
                                                    endpoint,
                                                    imeis,
                                                    window.slices(config.slice()),
                                                    RunKind.SCHEDULED,
                                                    endpoint.key(),
                                                    i -> mainState,
                                                    cancelled,
                                                    fence)
                                                .compose(
                                                    r ->
                                                        cancelled.getAsBoolean()
                                                            ? Future.succeededFuture(r)
                                                            : Reconcile.runIfDue(
                                                                    this, source, endpoint, imeis,
                                                                    cancelled, fence)
                                                                .map(x -> r))
                                                .map(
                                                    r ->
                                                        new RunResult(
                                                            first.ok()
                                                                ? r.status()
                                                                : RunStatus.ERROR,
                                                            first.counts().plus(r.counts()),
                                                            first.slices() + r.slices(),
                                                            first.ok()
                                                                ? r.error()
                                                                : first.error()));
                                          });
                                    })));
  }

  private static JsonObject state(List<String> imeis, Instant since) {
    return new JsonObject()
        .put("imeis", new JsonArray(List.copyOf(imeis)))
        .put("since", since.toString());
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static List<String> covered(JsonObject state, List<String> active) {
    JsonArray arr = state.getJsonArray("imeis");
    if (arr == null) {
      return active;
    }
    List<String> out = new ArrayList<>();
    arr.forEach(o -> out.add(String.valueOf(o)));
    return out;
  }

  /** The stored checkpoint, else the newest row already stored, else now − lookback. */
  Future<Instant> startPoint(
      String account, Endpoint endpoint, Optional<Checkpoints.Mark> mark, Instant now) {
    if (mark.isPresent()) {
      return Future.succeededFuture(mark.get().position());
    }
    Instant fallback = now.minus(config.lookback());
    return pool.preparedQuery(newestSql(endpoint))
        .execute(Tuple.of(account))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              return row.getOffsetDateTime(0) == null
                  ? fallback
                  : row.getOffsetDateTime(0).toInstant();
            });
  }

  private static String newestSql(Endpoint endpoint) {
    return switch (endpoint) {
      // Pushed alarms arrive live and say nothing about how far polling has got.
      case ALARMS ->
          "SELECT max(alarm_time) FROM tracksolid.alarms WHERE account = $1 AND seen_by_poll";
      case TRIPS -> "SELECT max(start_time) FROM tracksolid.trips WHERE account = $1";
      case PARKING -> "SELECT max(start_time) FROM tracksolid.parking WHERE account = $1";
      default -> throw new IllegalArgumentException("not windowed: " + endpoint);
    };
  }

  Future<List<String>> activeImeis(String account) {
    return pool.preparedQuery(ACTIVE_IMEIS)
        .execute(Tuple.of(account))
        .map(
            rows -> {
              List<String> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getString(0)));
              return out;
            });
  }

  /**
   * Walks {@code window} slice by slice for every active device (backfill), advancing {@code
   * checkpointKey}.
   */
  public Future<RunResult> runWindow(
      FleetSource source,
      Endpoint endpoint,
      Window window,
      RunKind runKind,
      String checkpointKey,
      JsonObject state,
      BooleanSupplier cancelled) {
    if (window.isEmpty()) {
      return Future.succeededFuture(RunResult.skipped("empty window"));
    }
    return activeImeis(source.account())
        .compose(
            imeis ->
                imeis.isEmpty()
                    ? Future.succeededFuture(
                        RunResult.skipped("no active devices for account " + source.account()))
                    : runSlices(
                        source,
                        endpoint,
                        imeis,
                        window.slices(config.slice()),
                        runKind,
                        checkpointKey,
                        i -> state,
                        cancelled,
                        null));
  }

  Future<RunResult> runSlices(
      FleetSource source,
      Endpoint endpoint,
      List<String> imeis,
      List<Window> slices,
      RunKind runKind,
      String checkpointKey,
      IntFunction<JsonObject> state,
      BooleanSupplier cancelled,
      Fence fence) {
    Future<RunResult> chain =
        Future.succeededFuture(new RunResult(RunStatus.OK, Counts.ZERO, 0, null));
    for (int i = 0; i < slices.size(); i++) {
      int n = i;
      chain =
          chain.compose(
              sofar ->
                  cancelled.getAsBoolean()
                      ? Future.succeededFuture(sofar)
                      : slice(
                              source,
                              endpoint,
                              imeis,
                              slices.get(n),
                              runKind,
                              checkpointKey,
                              state.apply(n),
                              fence)
                          .map(
                              c ->
                                  new RunResult(
                                      RunStatus.OK,
                                      sofar.counts().plus(c),
                                      sofar.slices() + 1,
                                      null)));
    }
    return chain;
  }

  /** One slice: prepare without a connection, then one transaction. */
  public Future<Counts> slice(
      FleetSource source,
      Endpoint endpoint,
      List<String> imeis,
      Window w,
      RunKind runKind,
      String checkpointKey,
      JsonObject state) {
    return slice(source, endpoint, imeis, w, runKind, checkpointKey, state, null);
  }

  /**
   * With a {@code fence}, the write transaction first checks (and share-locks) the lease, else
   * rolls back.
   */
  Future<Counts> slice(
      FleetSource source,
      Endpoint endpoint,
      List<String> imeis,
      Window w,
      RunKind runKind,
      String checkpointKey,
      JsonObject state,
      Fence fence) {
    SliceJob job = jobs.get(endpoint);
    String stream = endpoint.stream();
    String account = source.account();
    long t0 = System.nanoTime();
    IngestRun.Run r =
        new IngestRun.Run(stream, account, runKind, w.from(), w.to(), clock.instant());
    return job.prepare(source, imeis, w)
        .compose(
            p ->
                run.commit(
                    IngestRun.Commit.of(r, p.fetched(), p.rejected(), p.rows(), null)
                        .withDetail(p.detail())
                        .fenced(fence)
                        .advancing(new IngestRun.Checkpoint(checkpointKey, w.to(), state))))
        .map(IngestRun.Committed::counts)
        .onSuccess(
            c -> {
              metrics.duration(stream, account, elapsed(t0));
              if (checkpointKey.equals(endpoint.key())) {
                metrics.checkpoint(stream, account, w.to());
              }
              log.debug("{} {} window {}..{}: {}", stream, account, w.from(), w.to(), c);
            })
        .recover(err -> failed(r, t0, err).transform(x -> Future.failedFuture(err)));
  }

  /**
   * Logs a failed run (warning, duration, error row) and carries on; the caller passes the failure
   * up.
   */
  Future<Void> failed(IngestRun.Run r, long t0, Throwable err) {
    log.warn(
        "{} for account {} window {}..{} failed: {}",
        r.stream(),
        r.account(),
        r.from(),
        r.to(),
        String.valueOf(err.getMessage()));
    metrics.duration(r.stream(), r.account(), elapsed(t0));
    return run.logFailure(r, err);
  }

  static java.time.Duration elapsed(long t0) {
    return java.time.Duration.ofNanos(System.nanoTime() - t0);
  }
}
