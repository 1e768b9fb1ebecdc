package io.fleet.ingest.jobs;

import io.fleet.ingest.lease.LeaseTerms;
import io.fleet.ingest.lease.LeasedLoop;
import io.fleet.ingest.lease.LeasedLoop.Turn;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the reporting rollups up to date through reporting.refresh_rollups (daily vehicle summary,
 * daily alarm counts and the table form of positions_15m: the trailing REPORTING_ROLLUP_WINDOW plus
 * the days backfills touched since the previous tick), then refreshes any materialised view in
 * reporting.* through reporting.refresh_materialized_view. Both are SECURITY DEFINER functions (the
 * ingest role owns nothing). It runs once at start, so a fresh install's objects become readable,
 * then every REPORTING_REFRESH_INTERVAL. Each step is logged to reporting.refresh_log (the rollups
 * as "reporting.rollups"). The "job.reporting_refresh" lease lives one and a half intervals and is
 * renewed by its holder each tick, so one replica keeps refreshing and another takes over only when
 * the holder stops ticking.
 */
public final class ReportingRefreshJob {
  public static final String JOB = "job.reporting_refresh";
  static final String LEASE = JOB;
  private static final Logger log = LoggerFactory.getLogger(ReportingRefreshJob.class);
  private static final String VIEWS =
      "SELECT matviewname FROM pg_catalog.pg_matviews WHERE schemaname = 'reporting' ORDER BY matviewname";
  private static final String REFRESH = "SELECT reporting.refresh_materialized_view($1)";
  private static final String ROLLUPS =
      "SELECT range_from, range_to, rows_changed FROM reporting.refresh_rollups($1)";

  /** The name the rollup step has in Outcome and reporting.refresh_log. */
  public static final String ROLLUPS_NAME = "rollups";

  private static final String LOG =
      """
      INSERT INTO reporting.refresh_log (object_name, started_at, finished_at, duration_ms, status, error)
      VALUES ($1, $2, $3, $4, $5, $6)""";

  /** One view's refresh. */
  public record Outcome(String view, boolean ok, String error) {}

  private final Pool pool;
  private final Clock clock;
  private final Duration interval;
  private final IngestMetrics metrics;
  private final LeasedLoop<List<Outcome>> loop;

  public ReportingRefreshJob(
      Vertx vertx,
      Pool pool,
      Clock clock,
      Leases leases,
      Duration interval,
      IngestMetrics metrics) {
    this.pool = pool;
    this.clock = clock;
    this.interval = interval;
    this.metrics = metrics;
    // The lease outlives a tick by half an interval, so only a holder that stops ticking loses it.
    Duration ttl = interval.plus(interval.dividedBy(2));
    this.loop =
        new LeasedLoop<>(vertx, leases, LeaseTerms.kept(LEASE, ttl), hold -> runOnce(), this::next);
  }

  public void start() {
    loop.startNow();
  }

  public Future<Void> stop(Duration grace) {
    return loop.stop(grace);
  }

  /** Counts the tick by how it went; the next one starts an interval after it finished. */
  private Duration next(Turn<List<Outcome>> turn) {
    String outcome =
        switch (turn) {
          case Turn.Skipped<List<Outcome>> skipped -> "skipped";
          case Turn.Ran<List<Outcome>> ran ->
              ran.result().stream().allMatch(Outcome::ok) ? "ran" : "failed";
          case Turn.Failed<List<Outcome>> failed -> {
            log.error("reporting refresh: run failed", failed.error());
            yield "failed";
          }
        };
    metrics.jobRuns(JOB, outcome).increment();
    return interval;
  }

  /**
   * Recomputes the rollups, then refreshes every materialised reporting view, one after another; a
   * failure does not stop the rest.
   */
  public Future<List<Outcome>> runOnce() {
    List<Outcome> outcomes = new ArrayList<>();
    return rollups()
        .compose(
            first -> {
              outcomes.add(first);
              return pool.query(VIEWS).execute();
            })
        .compose(
            rows -> {
              List<String> views = new ArrayList<>();
              for (Row r : rows) {
                views.add(r.getString("matviewname"));
              }
              Future<Void> chain = Future.succeededFuture();
              for (String view : views) {
                chain =
                    chain.compose(
                        v ->
                            refresh(view)
                                .map(
                                    o -> {
                                      outcomes.add(o);
                                      return null;
                                    }));
              }
              return chain.map(v -> outcomes);
            });
  }

  private Future<Outcome> rollups() {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    return pool.preparedQuery(ROLLUPS)
        .execute(Tuple.of(started.atOffset(ZoneOffset.UTC)))
        .map(
            rows -> {
              long changed = 0;
              List<String> ranges = new ArrayList<>();
              for (Row r : rows) {
                changed += r.getInteger("rows_changed");
                ranges.add(r.getLocalDate("range_from") + ".." + r.getLocalDate("range_to"));
              }
              log.info(
                  "reporting refresh: rollups over {} recomputed, {} row(s) changed",
                  ranges,
                  changed);
              return new Outcome(ROLLUPS_NAME, true, null);
            })
        .recover(
            err ->
                Future.succeededFuture(
                    new Outcome(ROLLUPS_NAME, false, String.valueOf(err.getMessage()))))
        .compose(outcome -> record(outcome, started, t0));
  }

  private Future<Outcome> refresh(String view) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    return pool.preparedQuery(REFRESH)
        .execute(Tuple.of(view))
        .map(rows -> new Outcome(view, true, null))
        .recover(
            err ->
                Future.succeededFuture(new Outcome(view, false, String.valueOf(err.getMessage()))))
        .compose(outcome -> record(outcome, started, t0));
  }

  private Future<Outcome> record(Outcome outcome, Instant started, long t0) {
    String view = outcome.view();
    return Future.succeededFuture(outcome)
        .compose(
            o -> {
              long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
              Instant finished = clock.instant();
              if (outcome.ok()) {
                log.info("reporting refresh: reporting.{} refreshed in {} ms", view, ms);
              } else {
                log.error("reporting refresh: reporting.{} failed: {}", view, outcome.error());
              }
              return pool.preparedQuery(LOG)
                  .execute(
                      Tuple.from(
                          new Object[] {
                            "reporting." + view,
                            started.atOffset(ZoneOffset.UTC),
                            (finished.isBefore(started) ? started : finished)
                                .atOffset(ZoneOffset.UTC),
                            ms,
                            outcome.ok() ? "ok" : "error",
                            outcome.error()
                          }))
                  .map(x -> outcome);
            });
  }
}
