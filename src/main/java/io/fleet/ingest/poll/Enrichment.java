package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Phases 2 and 3 of trips and parking: one short read for missing points, then addresses from the
 * geocoder lane with no connection held while it waits.
 */
record Enrichment(Pool pool, Optional<AddressLookup> geocoder, Duration geocodeWait) {

  /** Fixes by the index of their ask; asks without a nearby fix are absent. */
  Future<Map<Integer, NearestFix.Fix>> nearestFixes(List<NearestFix.Ask> asks) {
    return NearestFix.lookup(pool, asks);
  }

  Future<Map<Addresses.Point, String>> addresses(Set<Addresses.Point> points) {
    return Addresses.resolve(geocoder, points, geocodeWait);
  }
}
