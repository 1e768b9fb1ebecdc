package io.fleet.ingest.tracksolid;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before retry n (1-based) wait a uniform random time in [0,
 * min(max, base * 2^(n-1))]. A server's Retry-After is a floor, still capped at {@code max} so one
 * bad header cannot park a poller for hours.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier random) {

  public Backoff(Duration base, Duration max) {
    this(base, max, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  public Duration delay(int retry, Optional<Duration> retryAfter) {
    double ceiling =
        Math.min(
            (double) max.toMillis(),
            (double) base.toMillis() * Math.pow(2, Math.max(0, retry - 1)));
    long jittered = (long) Math.floor(random.getAsDouble() * ceiling);
    // A Retry-After beyond what a Duration holds in millis is simply "as long as we wait at most".
    long floor =
        retryAfter.map(d -> d.compareTo(max) > 0 ? max.toMillis() : d.toMillis()).orElse(0L);
    return Duration.ofMillis(Math.min(max.toMillis(), Math.max(jittered, floor)));
  }
}
