package io.fleet.ingest.geocode;

import io.fleet.ingest.config.GeocodeConfig;
import io.fleet.ingest.geocode.Geocoder.Priority;
import io.fleet.ingest.geocode.LaneQueue.Job;
import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lane to Nominatim: a bounded queue drained by a Vert.x timer, one request at a time.
 *
 * <p>Spacing is measured from the end of the previous request, so requests arrive at the server at
 * least {@code 1 / rate} apart whatever the network jitter. Fresh work goes before backfill. A 429
 * or 403 pauses the lane for minutes (doubling) and keeps the refused lookup at the head of its
 * queue; 5xx, timeouts and unreadable answers back off for seconds (doubling) and give a lookup up
 * after {@link #MAX_ATTEMPTS}. All state lives on one Vert.x context; callers on other threads hop
 * onto it.
 */
public final class GeocoderLane {
  private static final Logger log = LoggerFactory.getLogger(GeocoderLane.class);
  static final int MAX_ATTEMPTS = 3;

  private final Vertx vertx;
  private final Context context;
  private final NominatimClient client;
  private final GeocodeConfig config;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final long intervalNanos;
  private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();

  private final LaneQueue queue;
  private boolean inFlight;
  private boolean timerPending;
  private long nextAllowedNanos = System.nanoTime();
  private int consecutiveRefusals;
  private int consecutiveFailures;
  private long pauseTimer = -1;
  private boolean stopped;
  // Completed when the request in flight at stop() has been answered (see stop()).
  private Promise<Void> drained;

  // Read from any thread by state() and the gauges.
  private volatile boolean active;
  private volatile Instant pausedUntil;

  public GeocoderLane(
      Vertx vertx,
      NominatimClient client,
      GeocodeConfig config,
      Clock clock,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.metrics = new IngestMetrics(registry);
    this.queue = new LaneQueue(config.queueCapacity());
    this.intervalNanos = (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) / config.ratePerSecond());
  }

  /**
   * Queues a lookup of {@code key}. Completes with {@link NominatimAnswer.Found} or {@link
   * NominatimAnswer.NoAddress}, or with a {@link NominatimAnswer.Failed} whose kind says why no
   * answer came (inactive, queue_full, displaced, gave_up, stopped). Never fails. A key already
   * queued shares that lookup (and lifts it to fresh if asked so).
   */
  public Future<NominatimAnswer> submit(GeoKey key, Priority priority) {
    Promise<NominatimAnswer> result = Promise.promise();
    onContext(() -> enqueue(key, priority).onComplete(ar -> result.complete(ar.result())));
    return result.future();
  }

  /** Whether a new lookup can be served by this replica at all (holds the lease, not stopped). */
  public boolean accepting() {
    return active && !stopped;
  }

  /** Lease gained or lost. Losing it answers every queued lookup "inactive" rather than hold it. */
  public void setActive(boolean nowActive) {
    onContext(
        () -> {
          if (active == nowActive) {
            return;
          }
          active = nowActive;
          log.info(
              "geocoder lane {} on this replica",
              nowActive ? "active" : "inactive (another replica holds the lease)");
          if (nowActive) {
            // The previous holder may have called Nominatim just before it released the lease; a
            // full
            // interval from now keeps the deployment's calls spaced across the hand-over too.
            nextAllowedNanos = Math.max(nextAllowedNanos, System.nanoTime() + intervalNanos);
            pump();
          } else {
            queue.drainAll("inactive");
          }
        });
  }

  public LaneState state() {
    int f = queue.freshDepth();
    int b = queue.backfillDepth();
    return new LaneState(
        true,
        active,
        Optional.ofNullable(pausedUntil),
        f + b,
        f,
        b,
        active ? config.ratePerSecond() : 0);
  }

  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    onContext(
        () -> {
          stopped = true;
          active = false;
          if (pauseTimer >= 0) {
            vertx.cancelTimer(pauseTimer);
          }
          queue.drainAll("stopped");
          if (inFlight) {
            // The lease is released only after this, so a successor's first call cannot land
            // within one interval of our last one.
            drained = done;
          } else {
            done.complete();
          }
        });
    return done.future();
  }

  private Future<NominatimAnswer> enqueue(GeoKey key, Priority priority) {
    if (!active || stopped) {
      return Future.succeededFuture(
          new NominatimAnswer.Failed("inactive", "lane not active on this replica"));
    }
    LaneQueue.Added added = queue.add(key, priority);
    if (added.isNew()) {
      pump();
    }
    return added.answer();
  }

  private void pump() {
    if (!active || stopped || inFlight || timerPending || pausedUntil != null) {
      return;
    }
    if (queue.isEmpty()) {
      return;
    }
    long wait = nextAllowedNanos - System.nanoTime();
    if (wait > 0) {
      timerPending = true;
      vertx.setTimer(
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)),
          id -> {
            timerPending = false;
            pump();
          });
      return;
    }
    Job job = queue.next();
    inFlight = true;
    job.attempts++;
    client
        .reverse(job.key)
        .onComplete(
            ar ->
                onContext(
                    () ->
                        finish(
                            job,
                            ar.succeeded()
                                ? ar.result()
                                : new NominatimAnswer.Failed(
                                    "error", String.valueOf(ar.cause())))));
  }

  private void finish(Job job, NominatimAnswer answer) {
    inFlight = false;
    if (drained != null) {
      settleAfterStop(job, answer);
      return;
    }
    long now = System.nanoTime();
    nextAllowedNanos = now + intervalNanos;
    counter(answer.outcome()).increment();
    switch (answer) {
      case NominatimAnswer.Found found -> settle(job, found);
      case NominatimAnswer.NoAddress none -> settle(job, none);
      case NominatimAnswer.Refused refused -> {
        consecutiveRefusals++;
        Duration pause = doubled(config.blockPause(), config.blockPauseMax(), consecutiveRefusals);
        queue.requeueFirst(job);
        pause(pause, refused);
      }
      case NominatimAnswer.Failed failed -> {
        consecutiveFailures++;
        Duration backoff =
            doubled(config.errorBackoff(), config.errorBackoffMax(), consecutiveFailures);
        nextAllowedNanos = now + Math.max(intervalNanos, backoff.toNanos());
        log.warn(
            "geocoder: {} for {} (attempt {} of {}): {}; next request in {}",
            failed.kind(),
            job.key,
            job.attempts,
            MAX_ATTEMPTS,
            failed.reason(),
            backoff);
        if (job.attempts >= MAX_ATTEMPTS) {
          queue.complete(job, new NominatimAnswer.Failed("gave_up", failed.reason()));
        } else {
          queue.requeueFirst(job);
        }
      }
    }
    if (!stopped && !active) {
      queue.drainAll("inactive");
    }
    pump();
  }

  private void settle(Job job, NominatimAnswer answer) {
    consecutiveRefusals = 0;
    consecutiveFailures = 0;
    queue.complete(job, answer);
  }

  private void settleAfterStop(Job job, NominatimAnswer answer) {
    counter(answer.outcome()).increment();
    queue.complete(job, answer);
    Promise<Void> done = drained;
    drained = null;
    done.complete();
  }

  private void pause(Duration pause, NominatimAnswer.Refused refused) {
    pausedUntil = clock.instant().plus(pause);
    nextAllowedNanos = System.nanoTime() + Math.max(intervalNanos, pause.toNanos());
    // An operator needs to see this: repeated refusals can mean a policy block, not a rate blip.
    log.error(
        "geocoder: Nominatim refused ({}); lane paused for {} until {} with {} lookups queued",
        refused.reason(),
        pause,
        pausedUntil,
        queue.size());
    pauseTimer =
        vertx.setTimer(
            Math.max(1, pause.toMillis()),
            id -> {
              pauseTimer = -1;
              pausedUntil = null;
              log.info("geocoder: lane resumes after pause with {} lookups queued", queue.size());
              pump();
            });
  }

  private static Duration doubled(Duration base, Duration max, int times) {
    Duration d = base;
    for (int i = 1; i < times && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  private Counter counter(String outcome) {
    return requestCounters.computeIfAbsent(outcome, metrics::geocoderRequests);
  }

  // Same context means the very same object; contexts have no value equality.
  @SuppressWarnings("ReferenceEquality")
  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
