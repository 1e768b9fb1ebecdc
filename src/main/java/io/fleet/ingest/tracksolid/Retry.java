package io.fleet.ingest.tracksolid;

import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a failed vendor call is made again: after a retryable {@link TracksolidException}, up to
 * {@code attempts} attempts in all, once the {@link Backoff}'s full-jitter delay (at least the
 * answer's Retry-After) has passed on a Vert.x timer. Every other failure, and the last attempt's,
 * reaches the caller as it is.
 */
final class Retry {
  private static final Logger log = LoggerFactory.getLogger(Retry.class);

  private final Vertx vertx;
  private final Backoff backoff;
  private final int attempts;
  private final IngestMetrics metrics;
  private final String account;

  Retry(Vertx vertx, Backoff backoff, int attempts, IngestMetrics metrics, String account) {
    this.vertx = vertx;
    this.backoff = backoff;
    this.attempts = attempts;
    this.metrics = metrics;
    this.account = account;
  }

  /**
   * What follows failed attempt {@code attemptNo} (1-based) of {@code method}: the wait before the
   * next attempt when {@code err} is retryable and attempts are left, else {@code err} itself as a
   * failed future.
   */
  Future<Void> pause(String method, Throwable err, int attemptNo) {
    if (err instanceof TracksolidException t && t.retryable() && attemptNo < attempts) {
      Duration delay = backoff.delay(attemptNo, t.retryAfter());
      metrics.vendorRetries(account, method).increment();
      log.info(
          "tracksolid {} {}: {} on attempt {}, retrying in {} ms",
          account,
          method,
          t.metricCode(),
          attemptNo,
          delay.toMillis());
      return after(delay);
    }
    return Future.failedFuture(err);
  }

  private Future<Void> after(Duration delay) {
    if (delay.toMillis() < 1) {
      return Future.succeededFuture();
    }
    return vertx.timer(delay.toMillis());
  }
}
