package io.fleet.ingest.webhook;

import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps pushes durable while the database is away and writes them back, in order, when it returns.
 * All file work runs on one dedicated worker thread (never an event loop); while anything is
 * spooled, new pushes queue behind it so order is kept.
 */
final class SpoolLane {
  private static final Logger log = LoggerFactory.getLogger(SpoolLane.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Spool spool;
  private final PushDelivery delivery;
  private final Duration interval;
  private final WorkerExecutor worker;
  private final AtomicBoolean dbAvailable = new AtomicBoolean(true);
  private final AtomicBoolean replaying = new AtomicBoolean();
  // Records of a segment already written back, so a retry after an outage resumes, not restarts.
  private final Map<Path, Integer> progress = new HashMap<>();
  private volatile Future<Void> currentReplay = Future.succeededFuture();
  private long timer = -1;
  static final String REPLAY_FAILURES = "tracksolid.spool.replay.failures";
  private static final Duration STALL_LOG_EVERY = Duration.ofMinutes(1);
  private final Clock clock;
  private final MeterRegistry registry;
  // Replay failures since the last WARN, and when that was: a stalled spool logs once a minute.
  private int stalls;
  private Instant lastStallLog;

  SpoolLane(
      Vertx vertx,
      Pool pool,
      Path dir,
      long maxBytes,
      PushDelivery delivery,
      Duration interval,
      MeterRegistry registry,
      Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.registry = registry;
    this.pool = pool;
    this.spool = new Spool(dir, maxBytes);
    this.delivery = delivery;
    this.interval = interval;
    this.worker =
        vertx.createSharedWorkerExecutor("webhook-spool-" + System.identityHashCode(this), 1);
    Gauge.builder(IngestMetrics.SPOOL_DEPTH_BYTES, spool, Spool::bytes)
        .description("Bytes of acknowledged pushes waiting in the spool")
        .register(registry);
    Gauge.builder(IngestMetrics.SPOOL_DEPTH_REQUESTS, spool, Spool::requests)
        .description("Acknowledged push requests waiting in the spool")
        .register(registry);
  }

  /**
   * Opens the spool and checks it belongs to this database: a spool left by a run against another
   * database is never replayed here (startup fails with what to do).
   */
  Future<Void> start() {
    return SpoolIdentity.of(pool)
        .compose(
            identity ->
                worker.<Void>executeBlocking(
                    () -> {
                      spool.open();
                      SpoolIdentity.claim(spool.dir(), identity, spool.requests());
                      return null;
                    },
                    true))
        .onSuccess(
            v -> {
              if (!spool.isEmpty()) {
                log.warn(
                    "webhook spool holds {} request(s) ({} bytes) from an earlier run: replaying",
                    spool.requests(),
                    spool.bytes());
                dbAvailable.set(false);
                replay();
              }
              timer = vertx.setPeriodic(interval.toMillis(), id -> replay());
            });
  }

  /**
   * True while direct writes should wait behind the spool (database away, or backlog to replay).
   */
  boolean engaged() {
    return !dbAvailable.get() || !spool.isEmpty();
  }

  void databaseUnavailable(Throwable why) {
    if (dbAvailable.compareAndSet(true, false)) {
      log.warn(
          "database unavailable or refusing writes (SQLSTATE {}): spooling pushes to disk until it "
              + "takes them",
          DbFailures.code(why));
    }
  }

  /** Durable when the future succeeds with true; false means the spool is full. */
  Future<Boolean> append(PushRequest request) {
    JsonObject record = request.toJson();
    return worker.executeBlocking(() -> spool.append(record), true);
  }

  /** Writes the spool back, oldest first; stops at the first sign the database is still away. */
  void replay() {
    if (spool.isEmpty() && dbAvailable.get()) {
      return;
    }
    if (!replaying.compareAndSet(false, true)) {
      return;
    }
    Promise<Void> done = Promise.promise();
    currentReplay = done.future();
    // A cheap probe first: an outage should not seal a new segment every interval.
    pool.query("SELECT 1")
        .execute()
        .compose(ok -> replaySegments())
        .onComplete(
            ar -> {
              replaying.set(false);
              if (ar.failed()) {
                log.debug("spool replay paused: {}", ar.cause().toString());
              }
              done.complete();
            });
  }

  private Future<Void> replaySegments() {
    return worker
        .executeBlocking(spool::oldest, true)
        .compose(
            next -> {
              if (next.isEmpty()) {
                if (dbAvailable.compareAndSet(false, true)) {
                  log.info("webhook spool replayed: writing pushes directly again");
                }
                return Future.succeededFuture();
              }
              Spool.Segment segment = next.get();
              int from = progress.getOrDefault(segment.path(), 0);
              Future<Void> chain = Future.succeededFuture();
              for (int i = from; i < segment.records().size(); i++) {
                int index = i;
                JsonObject record = segment.records().get(i);
                chain =
                    chain
                        .compose(v -> writeBack(record))
                        .onSuccess(
                            v -> {
                              progress.put(segment.path(), index + 1);
                              resumed();
                            });
              }
              return chain
                  .compose(
                      v ->
                          worker.<Void>executeBlocking(
                              () -> {
                                spool.delete(segment);
                                return null;
                              },
                              true))
                  .onSuccess(
                      v -> {
                        progress.remove(segment.path());
                        log.info(
                            "replayed {} spooled push request(s) from {}",
                            segment.records().size(),
                            segment.path().getFileName());
                      })
                  .compose(v -> replaySegments());
            });
  }

  private Future<Void> writeBack(JsonObject record) {
    PushRequest request;
    try {
      request = PushRequest.fromJson(record);
    } catch (RuntimeException e) {
      return delivery
          .deadLetterUnreadable(
              record, clock.instant(), "unreadable spool record: " + e.getClass().getSimpleName())
          .onFailure(err -> stalled("unknown", err));
    }
    // A record refused for its own content goes to the dead-letter table and the ones behind it
    // replay; acknowledged data never leaves the database path for a reason an operator can fix:
    // then the spool waits (and says so) and the next interval tries the same record again.
    return delivery
        .deliver(request)
        .<Void>mapEmpty()
        .onFailure(err -> stalled(request.path(), err));
  }

  private void stalled(String path, Throwable err) {
    String code = DbFailures.code(err);
    Counter.builder(REPLAY_FAILURES)
        .tag("code", code)
        .description("Spool replay attempts that failed and will be retried")
        .register(registry)
        .increment();
    stalls++;
    Instant now = clock.instant();
    if (lastStallLog == null || !now.isBefore(lastStallLog.plus(STALL_LOG_EVERY))) {
      log.warn(
          "webhook spool stalled: spooled push to /{} failed with SQLSTATE {}; {} failure(s) since the "
              + "last report, {} request(s) waiting; retrying every {}",
          path,
          code,
          stalls,
          spool.requests(),
          interval);
      lastStallLog = now;
      stalls = 0;
    }
  }

  private void resumed() {
    if (lastStallLog != null) {
      log.info("webhook spool replay resumed");
      lastStallLog = null;
      stalls = 0;
    }
  }

  long depthRequests() {
    return spool.requests();
  }

  long depthBytes() {
    return spool.bytes();
  }

  Future<Void> stop(Duration grace) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Promise<Void> waited = Promise.promise();
    long t = vertx.setTimer(Math.max(1, grace.toMillis()), id -> waited.tryComplete());
    currentReplay.onComplete(
        ar -> {
          vertx.cancelTimer(t);
          waited.tryComplete();
        });
    return waited
        .future()
        .compose(
            v ->
                worker.<Void>executeBlocking(
                    () -> {
                      spool.close();
                      return null;
                    },
                    true))
        .eventually(() -> worker.close());
  }
}
