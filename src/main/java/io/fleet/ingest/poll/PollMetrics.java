package io.fleet.ingest.poll;

import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * tracksolid.poll.duration and tracksolid.checkpoint.lag.seconds (the run transaction counts the
 * rows).
 */
public final class PollMetrics {
  private final IngestMetrics metrics;
  private final Clock clock;
  private final Map<String, AtomicReference<Instant>> checkpoints = new ConcurrentHashMap<>();

  public PollMetrics(IngestMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  IngestMetrics ingest() {
    return metrics;
  }

  void duration(String stream, String account, Duration d) {
    metrics.pollDuration(stream, account).record(d);
  }

  /** The gauge reads now − checkpoint at scrape time, so a stuck poller shows a growing lag. */
  void checkpoint(String stream, String account, Instant position) {
    String key = stream + "\u0000" + account;
    checkpoints
        .computeIfAbsent(
            key,
            k -> {
              AtomicReference<Instant> ref = new AtomicReference<>(position);
              Gauge.builder(
                      IngestMetrics.CHECKPOINT_LAG,
                      ref,
                      r ->
                          Math.max(
                              0, Duration.between(r.get(), clock.instant()).toMillis() / 1000.0))
                  .description("How far the committed checkpoint trails now")
                  .tag("stream", stream)
                  .tag("account", account)
                  .register(metrics.registry());
              return ref;
            })
        .accumulateAndGet(position, (a, b) -> a.isAfter(b) ? a : b);
  }
}
