package io.fleet.ingest.poll;

import static io.fleet.ingest.poll.PollFixture.checkpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.geocode.GeoKey;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Phase 3 of the trip and parking polls: the points go through the geocoder lane to a Nominatim
 * stand-in (mounted on the Tracksolid simulator's server) and the rows are written with their
 * addresses in the same transaction, while no connection is held during the wait: with a pool of
 * one connection the lane's cache statements and /health still get through.
 */
class GeocodedPollTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  Vertx simVertx;
  SimulatorServer sim;
  NominatimSimulator nominatim;
  MutableClock clock;

  @BeforeEach
  void simulators() {
    clock = new MutableClock(NOW);
    simVertx = Vertx.vertx();
    // Allows more than the service asks for (5/s), so every call is answered; the service's rate
    // makes a
    // slice wait seconds for its addresses, longer than /health's 2 s database timeout.
    nominatim =
        new NominatimSimulator(
            NominatimSimulator.Options.defaults().withRate(50).withLatency(Duration.ofMillis(60)));
    SimulatorOptions options =
        SimulatorOptions.defaults(clock).withFleet(23L, 2, 2, NOW.minus(Duration.ofDays(3)));
    sim = Futures.get(SimulatorServer.start(simVertx, options, List.of(nominatim::mount)), 20);
  }

  @AfterEach
  void close() {
    Futures.get(simVertx.close(), 20);
  }

  @Test
  void tripsAndParkingGetTheirAddressesFromTheLaneWithoutHoldingTheOnlyConnection()
      throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = PollFixture.env(db, "geo");
    env.put("DATABASE_POOL_SIZE", "1");
    env.put("POLL_LOOKBACK", "P4D");
    env.put("POLL_OVERLAP_STOPS", "P1D");
    env.put("POLL_SLICE", "P1D");
    env.put("POLL_GEOCODE_WAIT", "PT60S");
    env.put("GEOCODE_ENABLED", "true");
    env.put("GEOCODE_RATE_PER_SECOND", "5");
    env.put("GEOCODE_MAX_WAIT", "PT60S");
    // The backfill job would fill addresses the polls left out; keep it away so only phase 3 can.
    env.put("GEOCODE_BACKFILL_INTERVAL", "PT24H");
    env.put("NOMINATIM_USER_AGENT", "tracksolid-ingest-tests/1.0 (fleet-ops@example.org)");
    env = DemoEnvironment.overlay(env, sim);
    assertThat(env.get("NOMINATIM_URL")).isEqualTo(sim.baseUrl());

    RunningService service = TestService.start(env, clock);
    try {
      Instant target = clock.instant().minus(PollFixture.SETTLE);
      // {calls before, calls after, status} per /health request; those between the first and the
      // last
      // Nominatim call were answered while some slice was waiting for addresses.
      List<long[]> health = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (checkpoint(db, "demo", "trips").isBefore(target)
          || checkpoint(db, "demo", "parking").isBefore(target)) {
        assertThat(System.nanoTime()).as("trips and parking caught up").isLessThan(deadline);
        long before = nominatim.totalCalls();
        int status = Http.get(service.httpPort(), "/health").status();
        health.add(new long[] {before, nominatim.totalCalls(), status});
        Thread.sleep(50);
      }
      long total = nominatim.totalCalls();
      List<Long> duringGeocoding =
          health.stream().filter(h -> h[0] > 0 && h[1] < total).map(h -> h[2]).toList();
      assertThat(duringGeocoding)
          .as("/health answered while the lane was calling Nominatim")
          .isNotEmpty()
          .containsOnly(200L);

      List<Map<String, Object>> trips =
          Sql.rows(
              db,
              "SELECT start_lat, start_lng, end_lat, end_lng, start_address, "
                  + "end_address FROM tracksolid.trips");
      List<Map<String, Object>> stops =
          Sql.rows(db, "SELECT lat, lng, address FROM tracksolid.parking");
      assertThat(trips)
          .hasSize(sim.tracksolid().fleet().trips(NOW.minus(Duration.ofDays(5)), NOW).size());
      assertThat(stops).isNotEmpty();
      Set<GeoKey> points = new HashSet<>();
      for (Map<String, Object> t : trips) {
        double sLat = num(t.get("start_lat"));
        double sLng = num(t.get("start_lng"));
        double eLat = num(t.get("end_lat"));
        double eLng = num(t.get("end_lng"));
        assertThat(t.get("start_address"))
            .as("start of %s", t)
            .isEqualTo(NominatimSimulator.displayName(sLat, sLng));
        assertThat(t.get("end_address"))
            .as("end of %s", t)
            .isEqualTo(NominatimSimulator.displayName(eLat, eLng));
        points.add(GeoKey.of(sLat, sLng, 4));
        points.add(GeoKey.of(eLat, eLng, 4));
      }
      for (Map<String, Object> s : stops) {
        double lat = num(s.get("lat"));
        double lng = num(s.get("lng"));
        assertThat(s.get("address"))
            .as("address of %s", s)
            .isEqualTo(NominatimSimulator.displayName(lat, lng));
        points.add(GeoKey.of(lat, lng, 4));
      }
      // Each rounded point was asked once at most: the lane and its cache share the work across
      // slices,
      // overlapping windows and the two endpoints.
      List<NominatimSimulator.Call> calls = nominatim.calls();
      assertThat(calls).isNotEmpty().allMatch(c -> c.status() == 200);
      assertThat(calls.size()).isLessThanOrEqualTo(points.size());
      assertThat(calls.stream().map(c -> c.lat() + "," + c.lon()).distinct().count())
          .isEqualTo(calls.size());
    } finally {
      TestService.stop(service);
    }
  }

  private static double num(Object v) {
    return ((Number) v).doubleValue();
  }
}
