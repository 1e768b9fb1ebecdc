package io.fleet.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device sync's upsert keeps the assignment history itself, in its own transaction: the first
 * listing opens an assignment reaching back to -infinity, a driver or vehicle change closes the
 * open one and opens a new one at the sync's clock, anything else opens none.
 */
class DeviceAssignmentWriterTest {
  static RuntimePool rt;
  static final Instant T0 = Instant.parse("2024-05-01T06:00:00Z");
  static final Instant T1 = Instant.parse("2024-05-02T06:00:00Z");
  static final Instant T2 = Instant.parse("2024-05-03T06:00:00Z");

  @BeforeAll
  static void setUp() {
    rt = RuntimePool.onFreshDatabase();
  }

  @AfterAll
  static void tearDown() {
    rt.close();
  }

  private static DeviceRecord device(String imei, String name, String driver, String plate) {
    return new DeviceRecord(
        imei,
        "acct",
        name,
        "GT06",
        null,
        null,
        plate,
        driver,
        "+254700000000",
        null,
        null,
        null,
        null,
        true,
        new JsonObject().put("imei", imei).put("driverName", driver));
  }

  private static void sync(Instant at, DeviceRecord... devices) {
    Futures.get(
        rt.pool().withTransaction(conn -> new DeviceWriter().write(conn, List.of(devices), at)),
        10);
  }

  /** The device's assignments as "driver/plate from..to", times in UTC as Instant prints them. */
  private static List<String> history(String imei) {
    return Sql.rows(
            rt.db(),
            "SELECT driver_name || '/' || COALESCE(vehicle_number, 'null') || ' ' || "
                + utc("valid_from")
                + " || '..' || COALESCE("
                + utc("valid_to")
                + ", 'open') AS line FROM tracksolid.device_assignments WHERE imei = '"
                + imei
                + "' ORDER BY valid_from")
        .stream()
        .map(r -> (String) r.get("line"))
        .toList();
  }

  private static String utc(String column) {
    return "CASE WHEN "
        + column
        + " = '-infinity' THEN '-infinity' ELSE to_char("
        + column
        + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') END";
  }

  @Test
  void aDriverChangeClosesTheOpenAssignmentAndOpensOneInTheSyncsTransaction() {
    String imei = "862000000000001";
    sync(T0, device(imei, "van", "Ann", "KAA 1"));
    assertThat(history(imei)).containsExactly("Ann/KAA 1 -infinity..open");

    // A rename, or a new phone number, is no new assignment.
    sync(T1, device(imei, "renamed", "Ann", "KAA 1"));
    assertThat(history(imei)).containsExactly("Ann/KAA 1 -infinity..open");

    sync(T1, device(imei, "renamed", "Cyd", "KAA 1"));
    assertThat(history(imei))
        .containsExactly("Ann/KAA 1 -infinity.." + T1, "Cyd/KAA 1 " + T1 + "..open");
    assertThat(
            Sql.one(
                rt.db(),
                "SELECT bool_and(a.xmin::text = d.xmin::text) AS same_commit"
                    + " FROM tracksolid.device_assignments a JOIN tracksolid.devices d USING (imei)"
                    + " WHERE a.imei = '"
                    + imei
                    + "'"))
        .as("both assignment rows were written by the sync that changed the driver")
        .containsEntry("same_commit", true);

    // A second change at the same instant takes the row it opened over.
    sync(T1, device(imei, "renamed", "Dee", "KAA 1"));
    assertThat(history(imei))
        .containsExactly("Ann/KAA 1 -infinity.." + T1, "Dee/KAA 1 " + T1 + "..open");

    // A new plate is a new assignment too; a repeated listing changes nothing.
    sync(T2, device(imei, "renamed", "Dee", "KAA 2"));
    sync(T2, device(imei, "renamed", "Dee", "KAA 2"));
    assertThat(history(imei))
        .containsExactly(
            "Ann/KAA 1 -infinity.." + T1,
            "Dee/KAA 1 " + T1 + ".." + T2,
            "Dee/KAA 2 " + T2 + "..open");
    assertThat(
            Sql.count(
                rt.db(),
                "SELECT count(*) FROM tracksolid.device_assignments WHERE imei = '"
                    + imei
                    + "' AND valid_to IS NULL"))
        .isEqualTo(1);
  }

  @Test
  void aDeviceStoredWithoutTheSyncGetsItsFirstAssignmentAtItsNextSync() {
    // Nothing but the sync writes assignments now; a device row written any other way (the
    // benchmark's history loader) has none until the sync lists it.
    String imei = "862000000000002";
    Sql.exec(
        rt.db(),
        "INSERT INTO tracksolid.devices (imei, account, driver_name) VALUES ('"
            + imei
            + "', 'acct', 'Eve')");
    assertThat(history(imei)).isEmpty();
    sync(T0, device(imei, "van", "Eve", null));
    assertThat(history(imei)).containsExactly("Eve/null -infinity..open");
  }
}
