package io.fleet.ingest.geocode;

import static io.fleet.ingest.geocode.GeocoderHarness.all;
import static io.fleet.ingest.geocode.GeocoderHarness.geocoder;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.geocode.Geocoder.Priority;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator.Fault;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator.Options;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lane keeps the rate, asks each point once, survives a restart, and sits out a 429. */
class GeocoderRateTest {

  /** 200 distinct points; the last 10 are at sea (the simulator has no address there). */
  static List<double[]> points(int n, int atSea) {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean sea = i >= n - atSea;
      points.add(new double[] {sea ? -70 - i * 0.001 : -1.2 - i * 0.001, 36.8 + i * 0.001});
    }
    return points;
  }

  static List<Future<GeocodeResult>> burst(Geocoder geocoder, List<double[]> points, int times) {
    List<double[]> asks = new ArrayList<>();
    for (int t = 0; t < times; t++) {
      asks.addAll(points);
    }
    Collections.shuffle(asks, new Random(42));
    List<Future<GeocodeResult>> futures = new ArrayList<>();
    for (double[] p : asks) {
      futures.add(geocoder.lookup(p[0], p[1], Priority.FRESH));
    }
    return futures;
  }

  @Test
  void burstOf1000LookupsOver200PointsKeepsTheRateAndARestartAsksNothing() {
    DatabaseTarget db = TestDatabases.fresh();
    int rate = 40;
    Map<String, String> env =
        Map.of("GEOCODE_RATE_PER_SECOND", String.valueOf(rate), "GEOCODE_MAX_WAIT", "PT2M");
    try (GeocoderHarness h = new GeocoderHarness(Options.defaults().withRate(rate))) {
      List<double[]> points = points(200, 10);
      RunningService first = h.start(db, env);
      List<GeocodeResult> results = all(burst(geocoder(first), points, 5), 120);

      NominatimSimulator sim = h.simulator;
      assertThat(sim.totalCalls())
          .as("each point asked once")
          .isLessThanOrEqualTo(200)
          .isEqualTo(200);
      assertThat(sim.maxCallsInAnyOneSecondWindow()).isLessThanOrEqualTo(rate);
      assertThat(sim.callsAnswered(429)).isZero();
      assertThat(sim.calls())
          .allSatisfy(
              c -> {
                assertThat(c.format()).isEqualTo("jsonv2");
                assertThat(c.zoom()).isEqualTo("18");
                assertThat(c.addressDetails()).isEqualTo("1");
                assertThat(c.acceptLanguage()).isEqualTo("en");
                assertThat(c.userAgent())
                    .isEqualTo("tracksolid-ingest-tests/1.0 (fleet-ops@example.org)");
              });
      assertThat(results).hasSize(1000);
      assertThat(results).filteredOn(r -> r.status() == GeocodeResult.Status.FOUND).hasSize(950);
      assertThat(results).filteredOn(r -> r.status() == GeocodeResult.Status.NONE).hasSize(50);
      double[] p0 = points.get(0);
      assertThat(all(List.of(geocoder(first).reverse(p0[0], p0[1], Priority.FRESH)), 10).get(0))
          .contains(NominatimSimulator.displayName(p0[0], p0[1]));
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.geocode_cache WHERE found"))
          .isEqualTo(190);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.geocode_cache WHERE NOT found"))
          .isEqualTo(10);
      assertThat(
              first
                  .context()
                  .registry()
                  .get("tracksolid.geocoder.requests")
                  .tag("outcome", "found")
                  .counter()
                  .count())
          .isEqualTo(190);
      assertThat(
              first
                  .context()
                  .registry()
                  .get("tracksolid.geocoder.cache")
                  .tag("result", "miss")
                  .counter()
                  .count())
          .isEqualTo(200);
      h.stop(first);

      // A restart: new lane, new memory cache, same database.
      sim.reset();
      RunningService second = h.start(db, env);
      List<GeocodeResult> again = all(burst(geocoder(second), points, 5), 120);
      assertThat(sim.totalCalls()).as("nothing asked again after a restart").isZero();
      assertThat(again).filteredOn(r -> r.status() == GeocodeResult.Status.FOUND).hasSize(950);
      assertThat(again).filteredOn(r -> r.status() == GeocodeResult.Status.NONE).hasSize(50);
    }
  }

  @Test
  void atTheDefaultRateNoSecondEverSeesMoreThanOneRequest() {
    DatabaseTarget db = TestDatabases.fresh();
    try (GeocoderHarness h = new GeocoderHarness(Options.defaults())) {
      RunningService service = h.start(db, Map.of("GEOCODE_MAX_WAIT", "PT1M"));
      List<GeocodeResult> results = all(burst(geocoder(service), points(5, 0), 3), 60);
      assertThat(results).allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(h.simulator.totalCalls()).isEqualTo(5);
      assertThat(h.simulator.maxCallsInAnyOneSecondWindow()).isLessThanOrEqualTo(1);
      assertThat(h.simulator.callsAnswered(429)).isZero();
    }
  }

  @Test
  void a429PausesTheLaneWhichResumesWithNothingLost() {
    DatabaseTarget db = TestDatabases.fresh();
    Options options =
        Options.defaults().withRate(0).withFaults(new Fault(3, 1, 429), new Fault(6, 1, 503));
    try (GeocoderHarness h = new GeocoderHarness(options)) {
      RunningService service =
          h.start(
              db,
              Map.of(
                  "GEOCODE_RATE_PER_SECOND",
                  "20",
                  "GEOCODE_BLOCK_PAUSE",
                  "PT1S",
                  "GEOCODE_ERROR_BACKOFF",
                  "PT0.2S",
                  "GEOCODE_MAX_WAIT",
                  "PT1M"));
      Geocoder geocoder = geocoder(service);
      List<double[]> points = points(10, 0);
      List<Future<GeocodeResult>> futures = new ArrayList<>();
      for (double[] p : points) {
        futures.add(geocoder.lookup(p[0], p[1], Priority.BACKFILL));
      }
      boolean sawPaused = false;
      boolean gaugeSawPaused = false;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!futures.stream().allMatch(Future::isComplete) && System.nanoTime() < deadline) {
        LaneState state = geocoder.state();
        if (state.paused()) {
          sawPaused = true;
          assertThat(state.running()).isFalse();
          assertThat(state.queueDepth()).as("queued work is kept while paused").isGreaterThan(0);
        }
        // Read apart from the snapshot: the pause may end between the two reads.
        gaugeSawPaused |=
            service.context().registry().get("tracksolid.geocoder.paused").gauge().value() == 1.0;
        GeocoderHarness.sleep(5);
      }
      List<GeocodeResult> results = all(futures, 10);
      assertThat(sawPaused).as("lane paused after the 429").isTrue();
      assertThat(gaugeSawPaused).as("tracksolid_geocoder_paused showed the pause").isTrue();
      assertThat(results)
          .as("nothing lost")
          .allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(h.simulator.callsAnswered(429)).isEqualTo(1);
      assertThat(h.simulator.callsAnswered(503)).isEqualTo(1);
      assertThat(h.simulator.totalCalls())
          .as("10 answers + the refused and failed attempts")
          .isEqualTo(12);
      assertThat(geocoder.state().paused()).isFalse();
      assertThat(
              service
                  .context()
                  .registry()
                  .get("tracksolid.geocoder.requests")
                  .tag("outcome", "throttled")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              service
                  .context()
                  .registry()
                  .get("tracksolid.geocoder.requests")
                  .tag("outcome", "server_error")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }
}
