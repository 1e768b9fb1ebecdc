package io.fleet.ingest.geocode;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Reverse geocoding for the rest of the service (built by {@link GeocodeModule} and passed to the
 * modules that need it).
 *
 * <p>Contract for callers:
 *
 * <ul>
 *   <li>Never hold a database connection or transaction while the returned future is pending: store
 *       the row first (address NULL is fine), then write the address in a short UPDATE of its own,
 *       or let {@link AddressBackfillJob} do it.
 *   <li>The future never fails. It completes with an address, with "none" (Nominatim has no address
 *       there) or with "unavailable" (disabled, another replica holds the lane, the lane is full or
 *       paused past {@code GEOCODE_MAX_WAIT} for fresh work); the backfill job picks unavailable
 *       rows up later.
 *   <li>Callable from any thread or Vert.x context; it completes on the caller's context.
 * </ul>
 */
public interface Geocoder {

  /** Fresh work (rows just ingested) goes ahead of backfill. */
  enum Priority {
    FRESH,
    BACKFILL
  }

  Future<GeocodeResult> lookup(double lat, double lng, Priority priority);

  /** The address, if one is known or could be had now. */
  default Future<Optional<String>> reverse(double lat, double lng, Priority priority) {
    return lookup(lat, lng, priority).map(GeocodeResult::address);
  }

  /** Running, paused until, queue depth: for health and metrics. */
  LaneState state();

  /** A geocoder that never geocodes (GEOCODE_ENABLED=false). */
  static Geocoder disabled() {
    return new Geocoder() {
      @Override
      public Future<GeocodeResult> lookup(double lat, double lng, Priority priority) {
        return Future.succeededFuture(GeocodeResult.UNAVAILABLE);
      }

      @Override
      public LaneState state() {
        return LaneState.DISABLED;
      }
    };
  }
}
