package io.fleet.ingest.poll;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Phase 3: asks the lane for each distinct point, holding no connection. Geocoding is best-effort:
 * a point the lane fails on, or that waits past POLL_GEOCODE_WAIT, stays without an address for the
 * geocoder's backfill job.
 */
final class Addresses {
  record Point(double lat, double lng) {
    static Point of(Double lat, Double lng) {
      if (lat == null || lng == null || (lat == 0 && lng == 0)) {
        return null;
      }
      return new Point(lat, lng);
    }
  }

  private Addresses() {}

  static Future<Map<Point, String>> resolve(
      Optional<AddressLookup> lookup, Set<Point> points, Duration wait) {
    Map<Point, String> found = new HashMap<>();
    if (lookup.isEmpty() || points.isEmpty()) {
      return Future.succeededFuture(found);
    }
    List<Future<?>> calls = new ArrayList<>();
    for (Point p : new LinkedHashSet<>(points)) {
      if (p == null) {
        continue;
      }
      calls.add(
          lookup
              .get()
              .reverse(p.lat(), p.lng())
              .onSuccess(a -> a.ifPresent(addr -> found.put(p, addr)))
              .otherwiseEmpty());
    }
    // Whatever has not answered within the budget is stored without an address for now.
    return Future.join(calls)
        .timeout(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)
        .otherwiseEmpty()
        .map(x -> Map.copyOf(found));
  }
}
