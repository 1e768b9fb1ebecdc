package io.fleet.ingest.ops;

import io.fleet.ingest.store.QuarantineWriter;
import io.fleet.ingest.store.WriteResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The domain meters, by the names dashboards, alert rules and docs use. Counters and timers are
 * Micrometer's own: registering the same name and tags again returns the same meter, so code that
 * registers its own with these names adds to the same series. Gauges need a value holder that
 * outlives the caller (Micrometer keeps only a weak reference), so this class keeps one per series;
 * the composition root ({@code cli.Modules}) builds one and passes it to every module.
 *
 * <p>A gauge whose value is computed at scrape time (a queue's size, the lag behind a clock) is
 * registered by its owner with {@code Gauge.builder(NAME, owner, fn)} and one of the names here;
 * such a series must not also be set through the settable gauges of this class, because Micrometer
 * keeps whichever was registered first and silently ignores the other.
 */
public final class IngestMetrics {
  public static final String ROWS_INGESTED = "tracksolid.rows.ingested";
  public static final String VENDOR_CALLS = "tracksolid.vendor.calls";
  public static final String VENDOR_RETRIES = "tracksolid.vendor.retries";
  public static final String VENDOR_CIRCUIT_STATE = "tracksolid.vendor.circuit.state";
  public static final String VENDOR_INFLIGHT = "tracksolid.vendor.inflight";
  public static final String GEOCODER_QUEUE_DEPTH = "tracksolid.geocoder.queue.depth";
  public static final String GEOCODER_REQUESTS = "tracksolid.geocoder.requests";
  public static final String GEOCODER_CACHE = "tracksolid.geocoder.cache";
  public static final String GEOCODER_RATE = "tracksolid.geocoder.rate.per.second";
  public static final String GEOCODER_PAUSED = "tracksolid.geocoder.paused";
  public static final String WEBHOOK_ITEMS = "tracksolid.webhook.items";
  public static final String SPOOL_DEPTH_BYTES = "tracksolid.spool.depth.bytes";
  public static final String SPOOL_DEPTH_REQUESTS = "tracksolid.spool.depth.requests";
  public static final String QUARANTINED = "tracksolid.quarantined";
  public static final String POLL_DURATION = "tracksolid.poll.duration";
  public static final String CHECKPOINT_LAG = "tracksolid.checkpoint.lag.seconds";
  public static final String JOB_RUNS = "tracksolid.job.runs";
  public static final String INGEST_STREAM_STATUS = "tracksolid.ingest.stream.status";
  public static final String DB_UP = "tracksolid.db.up";
  public static final String SPOOL_LIMIT_BYTES = "tracksolid.spool.limit.bytes";
  public static final String WEBHOOK_DEAD_LETTERS = "tracksolid.webhook.dead.letters";

  private final MeterRegistry registry;
  private final Map<Meter.Id, GaugeValue> gauges = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** outcome: inserted, updated or rejected. */
  public Counter rowsIngested(String stream, String outcome) {
    return Counter.builder(ROWS_INGESTED)
        .description("Rows written or refused, by stream and outcome")
        .tags("stream", stream, "outcome", outcome)
        .register(registry);
  }

  /**
   * Adds one committed write: {@code written} rows inserted and updated, {@code rejected} items
   * refused (quarantined). Call after the commit, so a rolled-back write is never counted. All
   * three series are registered even at zero, so a scrape shows the stream from its first run.
   */
  public void committed(String stream, WriteResult written, int rejected) {
    rows(stream, written.inserted(), written.updated(), rejected);
  }

  /** Like {@link #committed}, from plain counts. */
  public void rows(String stream, int inserted, int updated, int rejected) {
    add(rowsIngested(stream, "inserted"), inserted);
    add(rowsIngested(stream, "updated"), updated);
    add(rowsIngested(stream, "rejected"), rejected);
  }

  /** Increments by {@code n} when positive; the meter stays registered either way. */
  public static void add(Counter counter, long n) {
    if (n > 0) {
      counter.increment((double) n);
    }
  }

  /** code: the vendor code, or http_&lt;status&gt;, timeout, malformed. */
  public Counter vendorCalls(String account, String method, String code) {
    return Counter.builder(VENDOR_CALLS)
        .description("Tracksolid API calls by account, method and result code")
        .tags("account", account, "method", method, "code", code)
        .register(registry);
  }

  public Counter vendorRetries(String account, String method) {
    return Counter.builder(VENDOR_RETRIES)
        .description("Tracksolid API calls retried")
        .tags("account", account, "method", method)
        .register(registry);
  }

  /** outcome: e.g. found, not_found, error. */
  public Counter geocoderRequests(String outcome) {
    return Counter.builder(GEOCODER_REQUESTS)
        .description("Nominatim requests by outcome")
        .tags("outcome", outcome)
        .register(registry);
  }

  /** result: hit or miss. */
  public Counter geocoderCache(String result) {
    return Counter.builder(GEOCODER_CACHE)
        .description("Geocode cache lookups by result")
        .tags("result", result)
        .register(registry);
  }

  /**
   * outcome: accepted, quarantined, rejected (503 answered) or dead_lettered (kept in
   * rejected_pushes).
   */
  public Counter webhookItems(String path, String outcome) {
    return Counter.builder(WEBHOOK_ITEMS)
        .description("Pushed items by webhook path and outcome")
        .tags("path", path, "outcome", outcome)
        .register(registry);
  }

  /**
   * Adds a committed quarantine write to {@code tracksolid.quarantined{stream,reason}}; call after
   * the commit.
   */
  public void quarantined(QuarantineWriter.Result committed) {
    committed
        .newByStreamReason()
        .forEach((key, n) -> quarantined(key.get(0), key.get(1)).increment(n));
  }

  public Counter quarantined(String stream, String reason) {
    return Counter.builder(QUARANTINED)
        .description("Items quarantined by stream and reason")
        .tags("stream", stream, "reason", reason)
        .register(registry);
  }

  public Timer pollDuration(String stream, String account) {
    return Timer.builder(POLL_DURATION)
        .description("Duration of one poll run")
        .tags("stream", stream, "account", account)
        .publishPercentileHistogram()
        .register(registry);
  }

  /** outcome: ran (this replica held the lease), skipped (another one did) or failed. */
  public Counter jobRuns(String job, String outcome) {
    return Counter.builder(JOB_RUNS)
        .description("Scheduled job slots on this replica by outcome")
        .tags("job", job, "outcome", outcome)
        .register(registry);
  }

  /**
   * 1 for the status /health/ingest reports for the stream, 0 for the others (ok, idle, grace,
   * stale, failing): a state set, so an alert selects {@code status="failing"}.
   */
  public GaugeValue ingestStreamStatus(String stream, String account, String status) {
    return gauge(
        INGEST_STREAM_STATUS,
        "1 for the stream's current /health/ingest status, 0 for the others",
        Tags.of("stream", stream, "account", account, "status", status));
  }

  /** 1 while the database answers, 0 when the last probe failed. */
  public GaugeValue dbUp() {
    return gauge(DB_UP, "1 when the last database probe succeeded, 0 when it failed", Tags.empty());
  }

  public GaugeValue spoolLimitBytes() {
    return gauge(
        SPOOL_LIMIT_BYTES,
        "Size limit of the webhook spool in bytes (WEBHOOK_SPOOL_MAX_BYTES)",
        Tags.empty());
  }

  /** Push requests waiting in tracksolid.rejected_pushes for an operator (replay removes them). */
  public GaugeValue webhookDeadLetters() {
    return gauge(
        WEBHOOK_DEAD_LETTERS,
        "Push requests kept in tracksolid.rejected_pushes, waiting for an operator",
        Tags.empty());
  }

  private GaugeValue gauge(String name, String description, Tags tags) {
    Meter.Id id = new Meter.Id(name, tags, null, description, Meter.Type.GAUGE);
    return gauges.computeIfAbsent(
        id,
        key -> {
          GaugeValue value = new GaugeValue();
          Gauge.builder(name, value, GaugeValue::get)
              .description(description)
              .tags(tags)
              .strongReference(true)
              .register(registry);
          return value;
        });
  }

  /** A settable gauge reading. */
  public static final class GaugeValue {
    private volatile double value;

    public void set(double newValue) {
      this.value = newValue;
    }

    public double get() {
      return value;
    }
  }
}
