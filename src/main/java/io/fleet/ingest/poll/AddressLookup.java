package io.fleet.ingest.poll;

import io.vertx.core.Future;
import java.util.Optional;

/** Reverse geocoding as the pollers see it: the geocoder lane, adapted; empty when no address. */
@FunctionalInterface
public interface AddressLookup {
  Future<Optional<String>> reverse(double lat, double lng);
}
