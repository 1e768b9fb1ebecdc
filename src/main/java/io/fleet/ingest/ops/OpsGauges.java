package io.fleet.ingest.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gauges the alert rules need that no request path sets: tracksolid_db_up from a periodic probe,
 * tracksolid_ingest_stream_status, read with the same query as /health/ingest, so the gauge and the
 * endpoint judge every stream alike, and tracksolid_webhook_dead_letters, the requests waiting in
 * tracksolid.rejected_pushes (one table for every replica, so each reports the same). Non-blocking:
 * reactive pool, a Vert.x timer.
 */
final class OpsGauges {
  static final Duration INTERVAL = Duration.ofSeconds(15);
  private static final long TIMEOUT_MS = 5_000;
  private static final List<String> STATUSES = List.of("ok", "idle", "grace", "stale", "failing");

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final IngestMetrics metrics;
  private long timer = -1;

  OpsGauges(Vertx vertx, Pool pool, Clock clock, IngestMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.metrics = metrics;
  }

  Future<Void> start() {
    metrics.dbUp();
    metrics.webhookDeadLetters();
    timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> refresh());
    return refresh();
  }

  /** One probe; never fails (a failed probe is what the gauge reports). */
  Future<Void> refresh() {
    return pool.preparedQuery(IngestHealthRoute.QUERY)
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              metrics.dbUp().set(1);
              streams(rows);
              return (Void) null;
            })
        .compose(
            v ->
                pool.query("SELECT count(*) AS n FROM tracksolid.rejected_pushes")
                    .execute()
                    .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .map(
                        rows -> {
                          metrics.webhookDeadLetters().set(rows.iterator().next().getLong("n"));
                          return (Void) null;
                        }))
        .recover(
            err -> {
              // The health query fails too when only its function is missing; the probe tells them
              // apart.
              return pool.query("SELECT 1")
                  .execute()
                  .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                  .map(
                      ok -> {
                        metrics.dbUp().set(1);
                        return (Void) null;
                      })
                  .otherwise(
                      down -> {
                        metrics.dbUp().set(0);
                        return null;
                      });
            });
  }

  /** Sets the state-set gauge from rows of the health query (a probe's or /health/ingest's). */
  void streams(Iterable<Row> rows) {
    for (Row r : rows) {
      String stream = r.getString("stream");
      String account = r.getString("account") == null ? "" : r.getString("account");
      String status = r.getString("status");
      for (String s : STATUSES) {
        metrics.ingestStreamStatus(stream, account, s).set(s.equals(status) ? 1 : 0);
      }
    }
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
