package io.fleet.ingest.geocode;

import io.fleet.ingest.lease.Leases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database lease 'geocoder': only its holder calls Nominatim, so the deployment as a
 * whole keeps the rate however many replicas run. Renewed every third of its TTL; a failed renewal
 * (database unreachable, another owner) makes this replica inactive at once, well before the lease
 * could pass to another replica.
 */
public final class GeocoderLeadership {
  public static final String LEASE = "geocoder";
  private static final Logger log = LoggerFactory.getLogger(GeocoderLeadership.class);

  private final Vertx vertx;
  private final Leases leases;
  private final Duration ttl;
  private final Consumer<Boolean> onChange;
  private long timer = -1;
  private volatile boolean held;
  private volatile boolean stopped;

  public GeocoderLeadership(Vertx vertx, Leases leases, Duration ttl, Consumer<Boolean> onChange) {
    this.vertx = vertx;
    this.leases = leases;
    this.ttl = ttl;
    this.onChange = onChange;
  }

  /** Tries once, then keeps renewing; completes after the first attempt. */
  public Future<Void> start() {
    long period = Math.max(1000, ttl.toMillis() / 3);
    return renew()
        .onComplete(
            ar -> {
              if (!stopped) {
                timer = vertx.setPeriodic(period, id -> renew());
              }
            });
  }

  public boolean held() {
    return held;
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    boolean wasHeld = held;
    set(false);
    return wasHeld
        ? leases.release(LEASE).recover(e -> Future.succeededFuture())
        : Future.succeededFuture();
  }

  private Future<Void> renew() {
    if (stopped) {
      return Future.succeededFuture();
    }
    // A renewal that hangs (database unreachable) must not leave this replica believing it still
    // holds the lease after it expired and another replica took over: give up well before that.
    long timeoutMs = Math.max(500, ttl.toMillis() / 3);
    return leases
        .tryAcquire(LEASE, ttl)
        .timeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(
            err -> {
              log.warn("geocoder: lease renewal failed, standing down: {}", err.getMessage());
              return Future.succeededFuture(false);
            })
        .map(
            now -> {
              if (!stopped) {
                set(now);
              }
              return null;
            });
  }

  private void set(boolean now) {
    if (held != now) {
      held = now;
      onChange.accept(now);
    }
  }
}
