package io.fleet.ingest.geocode;

import static io.fleet.ingest.geocode.GeocoderHarness.all;
import static io.fleet.ingest.geocode.GeocoderHarness.awaitActive;
import static io.fleet.ingest.geocode.GeocoderHarness.geocoder;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.geocode.Geocoder.Priority;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator.Options;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.support.Waits;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database share one Nominatim budget: only the holder of the 'geocoder' lease
 * calls Nominatim, the other answers from the shared cache or "unavailable", and takes the lane
 * over when the holder stops or dies.
 */
class GeocoderReplicasTest {
  private static final int RATE = 5;
  private static final Map<String, String> COMMON =
      Map.of(
          "GEOCODE_RATE_PER_SECOND", String.valueOf(RATE),
          "GEOCODE_LEASE_TTL", "PT3S",
          "GEOCODE_MAX_WAIT", "PT1M",
          // A 429 must not hang the test for the default five minutes; the assertions catch it
          // anyway.
          "GEOCODE_BLOCK_PAUSE", "PT1S",
          "GEOCODE_ERROR_BACKOFF", "PT0.2S");

  private static Map<String, String> replica(String id) {
    Map<String, String> env = new HashMap<>(COMMON);
    env.put("INSTANCE_ID", id);
    return env;
  }

  /** Point {@code i}: distinct at the default 4-decimal precision, all on land. */
  private static double[] point(int i) {
    return new double[] {-1.2 - i * 0.001, 36.8 + i * 0.001};
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  private static List<Future<GeocodeResult>> ask(Geocoder geocoder, List<Integer> indices) {
    List<Future<GeocodeResult>> futures = new ArrayList<>();
    for (int i : indices) {
      double[] p = point(i);
      futures.add(geocoder.lookup(p[0], p[1], Priority.FRESH));
    }
    return futures;
  }

  private static double laneCalls(RunningService service) {
    return service.context().registry().find("tracksolid.geocoder.requests").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static Map<String, Object> lease(DatabaseTarget db) {
    return Sql.one(
        db,
        "SELECT owner, (extract(epoch FROM acquired_at) * 1000)::bigint AS acquired_ms,"
            + " (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms FROM tracksolid.leases WHERE name = 'geocoder'");
  }

  private static void assertDeploymentKeptTheRate(NominatimSimulator sim, int distinctPointsAsked) {
    assertThat(sim.maxCallsInAnyOneSecondWindow())
        .as("calls in any one second, all replicas together")
        .isLessThanOrEqualTo(RATE);
    assertThat(sim.callsAnswered(429)).as("Nominatim never had to refuse us").isZero();
    assertThat(sim.totalCalls()).isLessThanOrEqualTo(distinctPointsAsked);
    assertThat(sim.calls().stream().map(c -> c.lat() + "," + c.lon()).distinct().count())
        .as("no point asked twice, by either replica")
        .isEqualTo(sim.totalCalls());
  }

  /**
   * Keeps asking {@code geocoder} for {@code indices} from its own thread, as ingest would, until
   * stopped.
   */
  // The join in close() is the point: a test waits for the feeder thread to finish.
  @SuppressWarnings("try")
  private static final class Feeder implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Feeder(Geocoder geocoder, List<Integer> indices) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  for (int i : indices) {
                    double[] p = point(i);
                    geocoder.lookup(p[0], p[1], Priority.FRESH);
                    GeocoderHarness.sleep(15);
                  }
                }
              },
              "feeder");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }

  @Test
  // The feeder runs for the block by being open; closing it waits for its thread.
  @SuppressWarnings("try")
  void onlyTheLeaseHolderGeocodesAndTheOtherTakesOverWhenItStops() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    try (GeocoderHarness h = new GeocoderHarness(Options.defaults().withRate(RATE))) {
      NominatimSimulator sim = h.simulator;
      RunningService a = h.start(db, replica("replica-a"));
      RunningService b = h.startReplica(db, replica("replica-b"));
      Geocoder ga = geocoder(a);
      Geocoder gb = geocoder(b);
      assertThat(ga.state().active()).isTrue();
      assertThat(gb.state().active()).as("B's first lease attempt met A's lease").isFalse();
      assertThat(lease(db)).containsEntry("owner", "replica-a");

      // A asks for points 0..29 twice, B for 15..44 twice (15..29 overlap), interleaved.
      List<Integer> forA = new ArrayList<>(range(0, 30));
      forA.addAll(range(0, 30));
      List<Integer> forB = new ArrayList<>(range(15, 45));
      forB.addAll(range(15, 45));
      Collections.shuffle(forA, new Random(1));
      Collections.shuffle(forB, new Random(2));
      List<Future<GeocodeResult>> fa = new ArrayList<>();
      List<Future<GeocodeResult>> fb = new ArrayList<>();
      for (int k = 0; k < forA.size(); k++) {
        fa.addAll(ask(ga, List.of(forA.get(k))));
        fb.addAll(ask(gb, List.of(forB.get(k))));
      }
      List<GeocodeResult> ra = all(fa, 60);
      List<GeocodeResult> rb = all(fb, 60);

      assertThat(ra)
          .as("the holder answers everything")
          .allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(rb)
          .as("the standby answers from the shared cache or not at all")
          .allMatch(
              r ->
                  r.status() == GeocodeResult.Status.FOUND
                      || r.status() == GeocodeResult.Status.UNAVAILABLE);
      for (int k = 0; k < forB.size(); k++) {
        if (forB.get(k) >= 30) {
          assertThat(rb.get(k).status())
              .as("nobody geocoded point %d", forB.get(k))
              .isEqualTo(GeocodeResult.Status.UNAVAILABLE);
        }
      }
      assertThat(sim.totalCalls()).as("only A's 30 points were asked").isEqualTo(30);
      assertDeploymentKeptTheRate(sim, 45);
      assertThat(laneCalls(a)).isEqualTo(30.0);
      assertThat(laneCalls(b)).as("the standby's lane never called Nominatim").isZero();
      assertThat(gb.state().running()).isFalse();
      assertThat(gb.state().queueDepth()).isZero();
      assertThat(b.context().registry().get("tracksolid.geocoder.rate.per.second").gauge().value())
          .isZero();
      assertThat(a.context().registry().get("tracksolid.geocoder.rate.per.second").gauge().value())
          .isEqualTo((double) RATE);

      // What A learnt, B reads from tracksolid.geocode_cache without asking again.
      List<GeocodeResult> shared = all(ask(gb, range(15, 30)), 30);
      assertThat(shared).allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(shared.get(0).address())
          .contains(NominatimSimulator.displayName(point(15)[0], point(15)[1]));
      assertThat(sim.totalCalls()).isEqualTo(30);

      // Hand-over under load: A is busy with 45..59, B's callers keep asking for 30..44.
      List<Future<GeocodeResult>> busyA = ask(ga, range(45, 60));
      long before = sim.totalCalls();
      Waits.until(
          "A is calling Nominatim",
          Duration.ofSeconds(30),
          Duration.ofMillis(10),
          () -> sim.totalCalls() >= before + 2);
      try (Feeder feeder = new Feeder(gb, range(30, 45))) {
        h.stop(a);
        awaitActive(gb);
        Waits.until(
            "B geocodes after the hand-over",
            Duration.ofSeconds(30),
            Duration.ofMillis(10),
            () -> laneCalls(b) >= 3);
      }
      assertThat(all(busyA, 30))
          .as("A's queued lookups were answered, not left hanging")
          .hasSize(15);
      List<GeocodeResult> afterHandOver = all(ask(gb, range(30, 45)), 60);
      assertThat(afterHandOver)
          .as("B now geocodes")
          .allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(lease(db)).containsEntry("owner", "replica-b");
      assertThat(gb.state().running()).isTrue();
      assertThat(laneCalls(b)).isGreaterThanOrEqualTo(15.0);
      assertDeploymentKeptTheRate(sim, 60);
    }
  }

  @Test
  // The feeder runs for the block by being open; closing it waits for its thread.
  @SuppressWarnings("try")
  void whenTheHolderDiesTheOtherReplicaTakesOverOnlyOnceTheLeaseExpired() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    try (GeocoderHarness h = new GeocoderHarness(Options.defaults().withRate(RATE))) {
      NominatimSimulator sim = h.simulator;
      RunningService a = h.start(db, replica("replica-a"));
      RunningService b = h.startReplica(db, replica("replica-b"));
      Geocoder gb = geocoder(b);
      List<GeocodeResult> first = all(ask(geocoder(a), range(0, 5)), 30);
      assertThat(first).allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(all(ask(gb, range(5, 10)), 30))
          .allMatch(r -> r.status() == GeocodeResult.Status.UNAVAILABLE);

      // A crash: no graceful stop, so the lease is not released and must run out.
      ask(geocoder(a), range(20, 30));
      h.forget(a);
      Futures.get(a.vertx().close(), 30);
      Map<String, Object> dead = lease(db);
      assertThat(dead).containsEntry("owner", "replica-a");
      try (Feeder feeder = new Feeder(gb, range(5, 10))) {
        awaitActive(gb);
      }
      Map<String, Object> taken = lease(db);
      assertThat(taken).containsEntry("owner", "replica-b");
      assertThat(((Number) taken.get("acquired_ms")).longValue())
          .as("B took the lease only after A's had expired")
          .isGreaterThanOrEqualTo(((Number) dead.get("expires_ms")).longValue());
      List<GeocodeResult> served = all(ask(gb, range(5, 10)), 30);
      assertThat(served).allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(laneCalls(b)).isGreaterThanOrEqualTo(1.0);
      assertDeploymentKeptTheRate(sim, 20);
    }
  }
}
