package io.fleet.ingest.jobs;

import io.fleet.ingest.config.OpsConfig;
import io.fleet.ingest.lease.LeaseTerms;
import io.fleet.ingest.lease.LeasedLoop;
import io.fleet.ingest.lease.LeasedLoop.Hold;
import io.fleet.ingest.lease.LeasedLoop.Turn;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.store.IngestionLogEntry;
import io.fleet.ingest.store.IngestionLogWriter;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily purge of the audit logs: tracksolid.ingestion_log rows older than
 * INGESTION_LOG_RETENTION_DAYS and reporting.refresh_log rows older than
 * REFRESH_LOG_RETENTION_DAYS, in batches of PURGE_BATCH_SIZE so no table is locked for long. Runs
 * at PURGE_AT in PURGE_ZONE on the replica holding the "job.purge" lease. The lease is kept (not
 * released) after the run and renewed between batches, so a replica whose timer fires a moment
 * later finds it taken and the slot runs once. Each run leaves an ingestion_log row (stream
 * job.purge, run_kind job) and a log line.
 *
 * <p>A slot nobody was up for (every replica down across PURGE_AT, e.g. a nightly deploy) is caught
 * up at start: when the service was already installed at the previous slot and no purge succeeded
 * in the last 25 hours, the purge runs at once under the same lease. Not when the next slot is
 * within the lease's hour anyway, so one start never purges twice in a row.
 */
public final class PurgeJob {
  public static final String STREAM = "job.purge";
  static final String LEASE = "job.purge";
  private static final Duration LEASE_TTL = Duration.ofHours(1);

  /** A day plus slack for a slow run or a DST day: older than this, the last slot was missed. */
  static final Duration CATCH_UP_AFTER = Duration.ofHours(25);

  private static final String RECENT_RUN =
      """
      SELECT EXISTS (SELECT 1 FROM tracksolid.ingestion_log
                      WHERE stream = $1 AND status = 'ok' AND finished_at > $2) AS recent,
             (SELECT first_started_at FROM tracksolid.ingest_health_settings) AS first_started_at""";
  private static final Logger log = LoggerFactory.getLogger(PurgeJob.class);

  /** What one run removed. */
  public record Result(long ingestionLogDeleted, long refreshLogDeleted, int batches) {
    public long total() {
      return ingestionLogDeleted + refreshLogDeleted;
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final OpsConfig config;
  private final String instanceId;
  private final IngestMetrics metrics;
  private final DailySchedule schedule;
  private final LeasedLoop<Result> loop;

  /** The slot the next scheduled run is for; only the loop's turns move it. */
  private volatile Instant slot;

  public PurgeJob(
      Vertx vertx,
      Pool pool,
      Clock clock,
      Leases leases,
      OpsConfig config,
      String instanceId,
      IngestMetrics metrics) {
    this.pool = pool;
    this.clock = clock;
    this.config = config;
    this.instanceId = instanceId;
    this.metrics = metrics;
    this.schedule = new DailySchedule(config.purgeAt(), config.purgeZone());
    this.loop =
        new LeasedLoop<>(
            vertx, leases, LeaseTerms.kept(LEASE, LEASE_TTL), this::runOnce, this::next);
  }

  public void start() {
    Instant now = clock.instant();
    Instant first = schedule.firstAtOrAfter(now);
    log.info("purge: next run at {} ({} {})", first, config.purgeAt(), config.purgeZone());
    slot = first;
    loop.start(until(first));
    if (Duration.between(now, first).compareTo(LEASE_TTL) > 0) {
      Instant missedSlot = schedule.before(first);
      loop.catchUp(() -> missed(now, missedSlot), turn -> report(missedSlot, turn));
    }
  }

  /** True if {@code missedSlot} passed with the service installed and no purge since. */
  private Future<Boolean> missed(Instant now, Instant missedSlot) {
    return pool.preparedQuery(RECENT_RUN)
        .execute(Tuple.of(STREAM, utc(now.minus(CATCH_UP_AFTER))))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              OffsetDateTime firstStart = r.getOffsetDateTime("first_started_at");
              // A database first started after the slot (a fresh install) has missed nothing.
              boolean installedAtSlot =
                  firstStart == null || !firstStart.toInstant().isAfter(missedSlot);
              if (Boolean.TRUE.equals(r.getBoolean("recent")) || !installedAtSlot) {
                return false;
              }
              log.warn(
                  "purge: no successful purge in the last {} hours; catching up the slot {} now",
                  CATCH_UP_AFTER.toHours(),
                  missedSlot);
              return true;
            })
        .recover(
            err -> {
              log.error("purge: cannot check for a missed slot", err);
              return Future.succeededFuture(false);
            });
  }

  public Future<Void> stop(Duration grace) {
    return loop.stop(grace);
  }

  /** Reports the slot's run, then waits for the next slot, counted from this one. */
  private Duration next(Turn<Result> turn) {
    report(slot, turn);
    slot = schedule.after(slot);
    return until(slot);
  }

  private void report(Instant runSlot, Turn<Result> turn) {
    switch (turn) {
      case Turn.Skipped<Result> skipped -> {
        log.info("purge: slot {} is run by another replica", runSlot);
        metrics.jobRuns(STREAM, "skipped").increment();
      }
      case Turn.Ran<Result> ran -> metrics.jobRuns(STREAM, "ran").increment();
      case Turn.Failed<Result> failed -> {
        log.error("purge: run for slot {} failed", runSlot, failed.error());
        metrics.jobRuns(STREAM, "failed").increment();
      }
    }
  }

  private Duration until(Instant at) {
    return Duration.between(clock.instant(), at);
  }

  /**
   * One purge now under the loop's {@code hold}, cut-offs from the clock; logs its run whether it
   * succeeds or fails.
   */
  private Future<Result> runOnce(Hold hold) {
    Instant started = clock.instant();
    OffsetDateTime ingestionCutoff =
        utc(started.minus(Duration.ofDays(config.ingestionLogRetentionDays())));
    OffsetDateTime refreshCutoff =
        utc(started.minus(Duration.ofDays(config.refreshLogRetentionDays())));
    int[] batches = {0};
    return deleteAll(hold, "tracksolid.ingestion_log", ingestionCutoff, 0, batches)
        .compose(
            ingestion ->
                deleteAll(hold, "reporting.refresh_log", refreshCutoff, 0, batches)
                    .map(refresh -> new Result(ingestion, refresh, batches[0])))
        .compose(
            result -> {
              JsonObject detail =
                  detail(ingestionCutoff, refreshCutoff, batches[0])
                      .put("ingestionLogDeleted", result.ingestionLogDeleted())
                      .put("refreshLogDeleted", result.refreshLogDeleted());
              return logRun(started, RunStatus.OK, null, result.total(), detail)
                  .map(
                      v -> {
                        log.info(
                            "purge: deleted {} ingestion_log row(s) before {} and {} refresh_log row(s) before {} in {} batch(es)",
                            result.ingestionLogDeleted(),
                            ingestionCutoff,
                            result.refreshLogDeleted(),
                            refreshCutoff,
                            batches[0]);
                        return result;
                      });
            },
            err -> {
              log.error("purge: failed after {} batch(es)", batches[0], err);
              JsonObject detail = detail(ingestionCutoff, refreshCutoff, batches[0]);
              return logRun(started, RunStatus.ERROR, String.valueOf(err.getMessage()), 0, detail)
                  .recover(e -> Future.succeededFuture())
                  .compose(v -> Future.failedFuture(err));
            });
  }

  /**
   * Deletes one batch at a time until a batch comes back short; renews the lease between batches.
   */
  private Future<Long> deleteAll(
      Hold hold, String table, OffsetDateTime cutoff, long soFar, int[] batches) {
    String sql =
        "DELETE FROM "
            + table
            + " WHERE id IN (SELECT id FROM "
            + table
            + " WHERE finished_at < $1 ORDER BY id LIMIT $2)";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(cutoff, config.purgeBatchSize()))
        .compose(
            rows -> {
              batches[0]++;
              long total = soFar + rows.rowCount();
              if (rows.rowCount() < config.purgeBatchSize() || hold.cancelled()) {
                return Future.succeededFuture(total);
              }
              return hold.renew()
                  .compose(
                      held ->
                          held
                              ? deleteAll(hold, table, cutoff, total, batches)
                              : Future.failedFuture(
                                  new IllegalStateException(
                                      "lease " + LEASE + " lost during the purge")));
            });
  }

  private JsonObject detail(
      OffsetDateTime ingestionCutoff, OffsetDateTime refreshCutoff, int batches) {
    return new JsonObject()
        .put("ingestionLogCutoff", ingestionCutoff.toInstant().toString())
        .put("refreshLogCutoff", refreshCutoff.toInstant().toString())
        .put("batchSize", config.purgeBatchSize())
        .put("batches", batches);
  }

  private Future<Void> logRun(
      Instant started, RunStatus status, String error, long deleted, JsonObject detail) {
    Instant finished = clock.instant();
    IngestionLogEntry entry =
        new IngestionLogEntry(
            STREAM,
            "",
            RunKind.JOB,
            null,
            null,
            0,
            0,
            0,
            0,
            started,
            finished.isBefore(started) ? started : finished,
            status,
            error,
            instanceId,
            (int) Math.min(deleted, Integer.MAX_VALUE));
    return new IngestionLogWriter().write(pool, entry, detail).mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
