package io.fleet.ingest.geocode;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Nominatim simulator on its own Vert.x and loopback port, plus the real service pointed at it.
 */
final class GeocoderHarness implements AutoCloseable {
  final NominatimSimulator simulator;
  final Vertx simVertx = Vertx.vertx();
  final HttpServer server;
  final List<RunningService> services = new ArrayList<>();

  GeocoderHarness(NominatimSimulator.Options options) {
    simulator = new NominatimSimulator(options);
    Router router = Router.router(simVertx);
    simulator.mount(router);
    server =
        Futures.get(simVertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), 10);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The service with only the geocoder module, on {@code db}, with {@code overrides} on top. */
  RunningService start(DatabaseTarget db, Map<String, String> overrides) {
    RunningService service = startReplica(db, overrides);
    awaitActive(geocoder(service));
    return service;
  }

  /** Like {@link #start} but does not wait for the lane: another replica may hold the lease. */
  RunningService startReplica(DatabaseTarget db, Map<String, String> overrides) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("GEOCODE_ENABLED", "true");
    env.put("NOMINATIM_URL", url());
    env.put("NOMINATIM_USER_AGENT", "tracksolid-ingest-tests/1.0 (fleet-ops@example.org)");
    env.put("GEOCODE_BACKFILL_INTERVAL", "PT1H");
    env.putAll(overrides);
    RunningService service =
        TestService.start(env, Clock.systemUTC(), ctx -> List.of(new GeocodeModule(ctx)));
    services.add(service);
    return service;
  }

  static Geocoder geocoder(RunningService service) {
    return TestService.module(service, GeocodeModule.class).geocoder();
  }

  static void awaitActive(Geocoder geocoder) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!geocoder.state().active()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("lane never became active: " + geocoder.state());
      }
      sleep(20);
    }
  }

  static <T> List<T> all(List<Future<T>> futures, int seconds) {
    return Futures.get(Future.all(futures).map(c -> c.<T>list()), seconds);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void stop(RunningService service) {
    services.remove(service);
    TestService.stop(service);
  }

  /** Forgets {@code service} without stopping it (the test killed it). */
  void forget(RunningService service) {
    services.remove(service);
  }

  @Override
  public void close() {
    for (RunningService s : List.copyOf(services)) {
      TestService.stop(s);
    }
    Futures.get(simVertx.close(), 10);
  }
}
