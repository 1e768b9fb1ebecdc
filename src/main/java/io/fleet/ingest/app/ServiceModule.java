package io.fleet.ingest.app;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * One concern of the running service (webhook, pollers, geocoder, operations ...). A module is
 * built with everything it needs (the {@link ServiceContext} and what earlier modules offer), so it
 * cannot be built before them. Modules start in the order they were built, after migrations and
 * before the HTTP server listens, so they can mount routes; they stop in reverse order after the
 * server has stopped taking requests.
 */
public interface ServiceModule {

  String name();

  Future<Void> start();

  /** Let in-flight work finish within {@code grace}; the pool is still open meanwhile. */
  default Future<Void> stop(Duration grace) {
    return Future.succeededFuture();
  }
}
