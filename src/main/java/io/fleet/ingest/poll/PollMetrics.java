package io.fleet.ingest.poll;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** tracksolid.rows.ingested, tracksolid.poll.duration and tracksolid.checkpoint.lag.seconds. */
public final class PollMetrics {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, AtomicReference<Instant>> checkpoints = new ConcurrentHashMap<>();

  public PollMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  void rows(String stream, Counts counts) {
    add(stream, "inserted", counts.inserted());
    add(stream, "updated", counts.updated());
    add(stream, "rejected", counts.rejected());
  }

  private void add(String stream, String outcome, int n) {
    Counter c = Counter.builder("tracksolid.rows.ingested").description("Rows written by ingestion")
        .tag("stream", stream).tag("outcome", outcome).register(registry);
    if (n > 0) {
      c.increment(n);
    }
  }

  void duration(String stream, String account, Duration d) {
    Timer.builder("tracksolid.poll.duration").description("Wall time of one poll run")
        .tag("stream", stream).tag("account", account).publishPercentileHistogram()
        .register(registry).record(d);
  }

  /** The gauge reads now − checkpoint at scrape time, so a stuck poller shows a growing lag. */
  void checkpoint(String stream, String account, Instant position) {
    String key = stream + "\u0000" + account;
    checkpoints.computeIfAbsent(key, k -> {
      AtomicReference<Instant> ref = new AtomicReference<>(position);
      Gauge.builder("tracksolid.checkpoint.lag.seconds", ref,
              r -> Math.max(0, Duration.between(r.get(), clock.instant()).toMillis() / 1000.0))
          .description("How far the committed checkpoint trails now").tag("stream", stream).tag("account", account)
          .register(registry);
      return ref;
    }).accumulateAndGet(position, (a, b) -> a.isAfter(b) ? a : b);
  }
}
