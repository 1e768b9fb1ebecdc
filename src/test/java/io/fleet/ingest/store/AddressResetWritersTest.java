package io.fleet.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When a later poll moves a trip's or stop's point, the address of the old point goes and the row
 * is backfilled again; a re-poll of the same row still counts as unchanged and keeps everything.
 */
class AddressResetWritersTest {
  static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static DatabaseTarget db;
  static Vertx vertx;
  static Pool pool;

  static RuntimePool runtime;

  @BeforeAll
  static void setUp() {
    runtime = RuntimePool.onFreshDatabase();
    db = runtime.db();
    vertx = runtime.vertx();
    pool = runtime.pool();
  }

  @AfterAll
  static void tearDown() {
    runtime.close();
  }

  static TripRecord trip(Double endLat, Double endLng, String startAddress, String endAddress) {
    return new TripRecord(
        "trip1",
        START,
        START.plusSeconds(600),
        "acc",
        -1.5,
        36.5,
        endLat,
        endLng,
        1000.0,
        600,
        6.0,
        30.0,
        startAddress,
        endAddress,
        "test",
        new JsonObject().put("end", String.valueOf(endLat)));
  }

  static ParkingRecord stop(Double lat, Double lng, String address) {
    return new ParkingRecord(
        "stop1",
        ParkingRecord.Kind.PARKING,
        START,
        START.plusSeconds(600),
        "acc",
        600,
        600,
        lat,
        lng,
        null,
        address,
        new JsonObject().put("lat", String.valueOf(lat)));
  }

  static WriteResult trips(TripRecord t) {
    return Futures.get(pool.withTransaction(c -> new TripWriter().write(c, List.of(t), NOW)), 10);
  }

  static WriteResult stops(ParkingRecord s) {
    return Futures.get(
        pool.withTransaction(c -> new ParkingWriter().write(c, List.of(s), NOW)), 10);
  }

  @Test
  void aMovedTripEndLosesItsOldAddressAndIsBackfilledAgain() {
    assertThat(trips(trip(null, null, "start a", null))).isEqualTo(new WriteResult(1, 0, 0));
    // The backfill settled it (as it did before end points counted), then the reconcile pass brings
    // the end.
    Sql.exec(
        db,
        "UPDATE tracksolid.trips SET address_attempted_at = now(), address_tries = 3,"
            + " address_retry_at = now() WHERE imei = 'trip1'");
    assertThat(trips(trip(-1.6, 36.6, null, null))).isEqualTo(new WriteResult(0, 1, 0));
    assertThat(row("trips", "trip1"))
        .containsEntry("start_address", "start a")
        .containsEntry("end_address", null)
        .containsEntry("attempted", false)
        .containsEntry("address_tries", null)
        .containsEntry("address_retry_at", null);

    Sql.exec(
        db,
        "UPDATE tracksolid.trips SET end_address = 'end b', address_attempted_at = now()"
            + " WHERE imei = 'trip1'");
    assertThat(trips(trip(-1.6, 36.6, null, null)))
        .as("a re-poll is unchanged")
        .isEqualTo(new WriteResult(0, 0, 1));
    assertThat(row("trips", "trip1"))
        .containsEntry("start_address", "start a")
        .containsEntry("end_address", "end b")
        .containsEntry("attempted", true);

    assertThat(trips(trip(-1.7, 36.7, "start a", "end c"))).isEqualTo(new WriteResult(0, 1, 0));
    assertThat(row("trips", "trip1"))
        .as("the new point's address replaces the old one")
        .containsEntry("start_address", "start a")
        .containsEntry("end_address", "end c")
        .containsEntry("attempted", false);
  }

  @Test
  void aMovedStopLosesItsOldAddressAndIsBackfilledAgain() {
    assertThat(stops(stop(-1.5, 36.5, "old place"))).isEqualTo(new WriteResult(1, 0, 0));
    Sql.exec(
        db,
        "UPDATE tracksolid.parking SET address_attempted_at = now(), address_tries = 2 WHERE imei = 'stop1'");
    assertThat(stops(stop(-1.5, 36.5, null)))
        .as("a re-poll is unchanged")
        .isEqualTo(new WriteResult(0, 0, 1));
    assertThat(row("parking", "stop1"))
        .containsEntry("address", "old place")
        .containsEntry("attempted", true)
        .containsEntry("address_tries", 2);

    assertThat(stops(stop(-1.8, 36.8, null))).isEqualTo(new WriteResult(0, 1, 0));
    assertThat(row("parking", "stop1"))
        .containsEntry("address", null)
        .containsEntry("attempted", false)
        .containsEntry("address_tries", null);
  }

  private static Map<String, Object> row(String table, String imei) {
    return Sql.one(
        db,
        "SELECT *, address_attempted_at IS NOT NULL AS attempted FROM tracksolid."
            + table
            + " WHERE imei = '"
            + imei
            + "'");
  }
}
