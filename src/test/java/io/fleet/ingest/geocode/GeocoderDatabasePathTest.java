package io.fleet.ingest.geocode;

import static io.fleet.ingest.geocode.GeocoderHarness.geocoder;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.geocode.Geocoder.Priority;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator.Options;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lookups waiting for Nominatim hold no pooled connection. */
class GeocoderDatabasePathTest {

  @Test
  void withAPoolOfOneDatabaseWorkKeepsFlowingDuringALongGeocodingQueue() {
    DatabaseTarget db = TestDatabases.fresh();
    try (GeocoderHarness h =
        new GeocoderHarness(Options.defaults().withRate(4).withLatency(Duration.ofMillis(200)))) {
      RunningService service =
          h.start(db, Map.of("DATABASE_POOL_SIZE", "1", "GEOCODE_RATE_PER_SECOND", "4"));
      Geocoder geocoder = geocoder(service);
      List<Future<GeocodeResult>> lookups = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        lookups.add(geocoder.lookup(-1.3 - i * 0.01, 36.9, Priority.BACKFILL));
      }
      io.fleet.ingest.support.Waits.until(
          "the first Nominatim call",
          java.time.Duration.ofSeconds(30),
          java.time.Duration.ofMillis(5),
          () -> h.simulator.totalCalls() > 0);

      Pool pool = service.context().pool();
      for (int i = 0; i < 100; i++) {
        Futures.get(
            pool.preparedQuery("INSERT INTO tracksolid.devices (imei, account) VALUES ($1, 'acct')")
                .execute(Tuple.of("imei-" + i)),
            10);
      }
      LaneState during = geocoder.state();
      assertThat(during.queueDepth())
          .as("the geocoding queue is still long: " + during)
          .isGreaterThan(5);
      assertThat(lookups.stream().filter(Future::isComplete).count()).isLessThan(20);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices")).isEqualTo(100);

      List<GeocodeResult> results = GeocoderHarness.all(lookups, 60);
      assertThat(results).allMatch(r -> r.status() == GeocodeResult.Status.FOUND);
      assertThat(h.simulator.maxCallsInAnyOneSecondWindow()).isLessThanOrEqualTo(4);
    }
  }
}
