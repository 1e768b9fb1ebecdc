package io.fleet.ingest.geocode;

import io.fleet.ingest.lease.LeaseTerms;
import io.fleet.ingest.lease.LeasedLoop;
import io.fleet.ingest.lease.LeasedLoop.Turn;
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

  private final LeasedLoop<Void> loop;
  private final Duration period;

  public GeocoderLeadership(Vertx vertx, Leases leases, Duration ttl, Consumer<Boolean> onChange) {
    this.period = Duration.ofMillis(Math.max(1000, ttl.toMillis() / 3));
    // A renewal that hangs (database unreachable) must not leave this replica believing it still
    // holds the lease after it expired and another replica took over: give up well before that.
    Duration timeout = Duration.ofMillis(Math.max(500, ttl.toMillis() / 3));
    LeaseTerms terms = LeaseTerms.kept(LEASE, ttl).standingDownAfter(timeout).releasedOnStop();
    // Holding the lease is the whole job: the lane does the work while it is held.
    this.loop =
        new LeasedLoop<>(
            vertx, leases, terms, hold -> Future.succeededFuture(), this::next, onChange);
  }

  /** Tries once, then keeps renewing; completes after the first attempt. */
  public Future<Void> start() {
    return loop.startNow();
  }

  public Future<Void> stop() {
    return loop.stop();
  }

  private Duration next(Turn<Void> turn) {
    if (turn instanceof Turn.Failed<Void> failed) {
      log.warn("geocoder: lease renewal failed, standing down: {}", failed.error().getMessage());
    }
    return period;
  }
}
