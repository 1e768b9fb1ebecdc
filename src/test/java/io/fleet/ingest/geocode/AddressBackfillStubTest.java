package io.fleet.ingest.geocode;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.GeocodeConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.db.PoolFactory;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backfill job against a real database and a scripted geocoder. */
class AddressBackfillStubTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  DatabaseTarget db;
  Vertx vertx;
  Pool pool;
  MutableClock clock = new MutableClock(NOW);
  AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    vertx = Vertx.vertx();
    pool = PoolFactory.create(vertx, db, 2, "tracksolid_ingest");
  }

  @AfterEach
  void tearDown() {
    Futures.get(pool.close(), 10);
    Futures.get(vertx.close(), 10);
  }

  AddressBackfillJob job(
      Map<String, String> env, BiFunction<Double, Double, Future<GeocodeResult>> answer) {
    Geocoder geocoder =
        new Geocoder() {
          @Override
          public Future<GeocodeResult> lookup(double lat, double lng, Priority priority) {
            calls.incrementAndGet();
            return answer.apply(lat, lng);
          }

          @Override
          public LaneState state() {
            return Geocoder.disabled().state();
          }
        };
    return new AddressBackfillJob(
        vertx, pool, geocoder, GeocodeConfig.from(new ConfigSource(env)), clock);
  }

  static String at(double lat, double lng) {
    return "at " + lat + "," + lng;
  }

  @Test
  void anAddressLookedUpForAPointThatMovedMeanwhileIsNotWritten() {
    Sql.exec(
        db,
        "INSERT INTO tracksolid.trips (imei, start_time, start_lat, start_lng, end_lat, end_lng) VALUES"
            + " ('m1', '2026-03-01T10:00:00Z', -1.5, 36.5, -1.6, 36.6)");
    AddressBackfillJob job =
        job(
            Map.of(),
            (lat, lng) -> {
              if (lat == -1.5) {
                // A poller moves the start point (and, as TripWriter does, reopens the row) while
                // we wait.
                return pool.query(
                        "UPDATE tracksolid.trips SET start_lat = -1.9, start_address = NULL,"
                            + " address_attempted_at = NULL WHERE imei = 'm1'")
                    .execute()
                    .map(r -> GeocodeResult.found(at(lat, lng)));
              }
              return Future.succeededFuture(GeocodeResult.found(at(lat, lng)));
            });
    AddressBackfillJob.Summary first = Futures.get(job.runOnce(), 30);
    assertThat(first.settled()).isZero();
    assertThat(trip("m1"))
        .as("nothing written for the old point")
        .containsEntry("start_address", null)
        .containsEntry("attempted", false);

    Futures.get(job.runOnce(), 30);
    assertThat(trip("m1"))
        .containsEntry("start_address", at(-1.9, 36.5))
        .containsEntry("end_address", at(-1.6, 36.6))
        .containsEntry("attempted", true);
  }

  @Test
  void pointsThatKeepFailingDoNotStarveOlderRowsAndAreRetriedLater() {
    // Two newest alarms sit on a point the geocoder always fails on; the batch holds two rows.
    Sql.exec(
        db,
        """
        INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, lat, lng, first_source) VALUES
          ('bad1', 'sos', '2026-03-01T11:00:00Z', -9.0, 36.0, 'poll'),
          ('bad2', 'sos', '2026-03-01T10:59:00Z', -9.0, 36.0, 'poll'),
          ('good', 'sos', '2026-03-01T09:00:00Z', -1.5, 36.5, 'poll');
        """);
    AddressBackfillJob job =
        job(
            Map.of("GEOCODE_BACKFILL_BATCH", "2", "GEOCODE_BACKFILL_INTERVAL", "PT5M"),
            (lat, lng) ->
                Future.succeededFuture(
                    lat == -9.0 ? GeocodeResult.UNAVAILABLE : GeocodeResult.found(at(lat, lng))));

    assertThat(Futures.get(job.runOnce(), 30).left()).isEqualTo(2);
    assertThat(calls.get()).isEqualTo(2);
    AddressBackfillJob.Summary second = Futures.get(job.runOnce(), 30);
    assertThat(second.filled()).as("the older row gets its turn").isEqualTo(1);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(
            Sql.rows(
                db, "SELECT imei, address, address_tries FROM tracksolid.alarms ORDER BY imei"))
        .extracting(r -> r.get("imei") + "|" + r.get("address") + "|" + r.get("address_tries"))
        .containsExactly("bad1|null|1", "bad2|null|1", "good|" + at(-1.5, 36.5) + "|null");

    assertThat(Futures.get(job.runOnce(), 30).selected()).as("within the backoff").isZero();
    clock.advance(java.time.Duration.ofMinutes(5));
    assertThat(Futures.get(job.runOnce(), 30).selected()).as("after the backoff").isEqualTo(2);
    assertThat(Sql.rows(db, "SELECT address_tries FROM tracksolid.alarms WHERE imei LIKE 'bad%'"))
        .extracting(r -> r.get("address_tries"))
        .containsOnly(2);
    clock.advance(java.time.Duration.ofMinutes(5));
    assertThat(Futures.get(job.runOnce(), 30).selected())
        .as("the second backoff is twice as long")
        .isZero();
    clock.advance(java.time.Duration.ofMinutes(5));
    assertThat(Futures.get(job.runOnce(), 30).selected()).isEqualTo(2);
  }

  Map<String, Object> trip(String imei) {
    return Sql.one(
        db,
        "SELECT start_address, end_address, address_attempted_at IS NOT NULL AS attempted"
            + " FROM tracksolid.trips WHERE imei = '"
            + imei
            + "'");
  }
}
