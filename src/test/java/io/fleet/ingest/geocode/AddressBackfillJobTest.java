package io.fleet.ingest.geocode;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator.Options;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backfill fills exactly the missing addresses, once. */
class AddressBackfillJobTest {
  static final String RECENT = "now() - interval '1 hour'";
  static final String OLD = "now() - interval '30 days'";

  static String addr(double lat, double lng) {
    return NominatimSimulator.displayName(lat, lng);
  }

  @Test
  void fillsExactlyTheRowsThatWereMissingAddressesAndNeverTwice() {
    DatabaseTarget db = TestDatabases.fresh();
    try (GeocoderHarness h = new GeocoderHarness(Options.defaults().withRate(40))) {
      RunningService service = h.start(db, Map.of("GEOCODE_RATE_PER_SECOND", "40"));
      Sql.exec(
          db,
          """
          INSERT INTO tracksolid.trips (imei, start_time, start_lat, start_lng, end_lat, end_lng, start_address, end_address) VALUES
            ('t1', %1$s, -1.1001, 36.1001, -1.1002, 36.1002, NULL, NULL),
            ('t2', %1$s, -1.1003, 36.1003, -1.1004, 36.1004, 'kept start', NULL),
            ('t3', %1$s, NULL, NULL, NULL, NULL, NULL, NULL),
            ('t4', %1$s, -1.1005, 36.1005, -1.1006, 36.1006, 'kept a', 'kept b'),
            ('t5', %2$s, -1.1007, 36.1007, -1.1008, 36.1008, NULL, NULL),
            ('t6', %1$s, -1.1009, 36.1009, -75.0, 10.0, NULL, NULL);
          INSERT INTO tracksolid.parking (imei, kind, start_time, lat, lng, address) VALUES
            ('p1', 'parking', %1$s, -1.2001, 36.2001, NULL),
            ('p2', 'idling', %1$s, -1.2002, 36.2002, 'kept parking'),
            ('p3', 'parking', %1$s, NULL, NULL, NULL);
          INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, lat, lng, address, first_source) VALUES
            ('a1', 'sos', %1$s, -1.3001, 36.3001, NULL, 'poll'),
            ('a2', 'sos', %1$s, -1.2001, 36.2001, NULL, 'push'),
            ('a3', 'sos', %1$s, -1.3002, 36.3002, 'kept alarm', 'poll');
          """
              .formatted(RECENT, OLD));

      AddressBackfillJob job =
          TestService.module(service, GeocodeModule.class).backfill().orElseThrow();
      AddressBackfillJob.Summary first = Futures.get(job.runOnce(), 60);

      Map<String, List<Object>> expected = new LinkedHashMap<>();
      expected.put("t1", List.of(addr(-1.1001, 36.1001), addr(-1.1002, 36.1002), true));
      expected.put("t2", List.of("kept start", addr(-1.1004, 36.1004), true));
      expected.put("t3", nulls());
      expected.put("t4", List.of("kept a", "kept b", false));
      expected.put("t5", nulls());
      expected.put("t6", java.util.Arrays.asList(addr(-1.1009, 36.1009), null, true));
      assertThat(trips(db)).isEqualTo(expected);
      assertThat(
              Sql.rows(
                  db,
                  "SELECT imei, address, address_attempted_at IS NOT NULL AS done FROM tracksolid.parking"
                      + " ORDER BY imei"))
          .extracting(r -> r.get("imei") + "|" + r.get("address") + "|" + r.get("done"))
          .containsExactly(
              "p1|" + addr(-1.2001, 36.2001) + "|true", "p2|kept parking|false", "p3|null|false");
      assertThat(
              Sql.rows(
                  db,
                  "SELECT imei, address, address_attempted_at IS NOT NULL AS done FROM tracksolid.alarms"
                      + " ORDER BY imei"))
          .extracting(r -> r.get("imei") + "|" + r.get("address") + "|" + r.get("done"))
          .containsExactly(
              "a1|" + addr(-1.3001, 36.3001) + "|true",
              "a2|" + addr(-1.2001, 36.2001) + "|true",
              "a3|kept alarm|false");
      // t1 (2) + t2 end + t6 (2) + p1 + a1; a2 shares p1's point.
      assertThat(h.simulator.totalCalls()).isEqualTo(7);
      assertThat(first.selected()).isEqualTo(6);
      assertThat(first.settled()).isEqualTo(6);

      AddressBackfillJob.Summary second = Futures.get(job.runOnce(), 60);
      assertThat(second.selected()).as("nothing is looked up twice").isZero();
      assertThat(h.simulator.totalCalls()).isEqualTo(7);
      assertThat(trips(db)).isEqualTo(expected);
    }
  }

  @Test
  void aPointWhoseCoordinatesArriveLaterStillGetsItsAddress() {
    DatabaseTarget db = TestDatabases.fresh();
    try (GeocoderHarness h = new GeocoderHarness(Options.defaults().withRate(40))) {
      RunningService service = h.start(db, Map.of("GEOCODE_RATE_PER_SECOND", "40"));
      Sql.exec(
          db,
          """
          INSERT INTO tracksolid.trips (imei, start_time, start_lat, start_lng, end_lat, end_lng) VALUES
            ('late', %s, -1.4001, 36.4001, NULL, NULL);
          """
              .formatted(RECENT));
      AddressBackfillJob job =
          TestService.module(service, GeocodeModule.class).backfill().orElseThrow();
      Futures.get(job.runOnce(), 60);
      assertThat(trips(db).get("late"))
          .as("the end has no point yet, so the row is not settled")
          .isEqualTo(java.util.Arrays.asList(addr(-1.4001, 36.4001), null, false));

      // The reconcile pass fills the end point afterwards; like TripWriter, that clears the retry
      // backoff.
      Sql.exec(
          db,
          "UPDATE tracksolid.trips SET end_lat = -1.4002, end_lng = 36.4002, address_tries = NULL,"
              + " address_retry_at = NULL WHERE imei = 'late'");
      Futures.get(job.runOnce(), 60);
      assertThat(trips(db).get("late"))
          .isEqualTo(List.of(addr(-1.4001, 36.4001), addr(-1.4002, 36.4002), true));
    }
  }

  private static List<Object> nulls() {
    return java.util.Arrays.asList(null, null, false);
  }

  private static Map<String, List<Object>> trips(DatabaseTarget db) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> r :
        Sql.rows(
            db,
            "SELECT imei, start_address, end_address,"
                + " address_attempted_at IS NOT NULL AS done FROM tracksolid.trips ORDER BY imei")) {
      out.put(
          (String) r.get("imei"),
          java.util.Arrays.asList(r.get("start_address"), r.get("end_address"), r.get("done")));
    }
    return out;
  }
}
