package io.fleet.ingest.app;

import static io.fleet.ingest.app.ProcessLifecycleTest.awaitHealth;
import static io.fleet.ingest.app.ProcessLifecycleTest.freePort;
import static io.fleet.ingest.app.ProcessLifecycleTest.launch;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.ProcessLifecycleTest.Launched;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service in its own JVM is killed with SIGKILL while a poll is fetching, then a second
 * process takes over on the same database. Whatever the first one had committed stays, what it had
 * in flight is redone, and the tables end equal to the simulator's ground truth: nothing missing,
 * nothing twice, and ingestion_log's insert counts add up to the rows.
 *
 * <p>The simulator runs on the real clock in this JVM; its fleet is pinned to end a day ago, so
 * every event is already over when the service starts and the ground truth is the whole history.
 */
class PollerCrashRecoveryProcessTest {
  private static final String MILEAGE = "jimi.device.track.mileage";
  private static final String PARKING = "jimi.open.platform.report.parking";
  private static final Duration SETTLE = Duration.ofMinutes(1);

  Vertx simVertx;
  SimulatorServer sim;

  @BeforeEach
  void simulator() {
    Clock clock = Clock.systemUTC();
    Instant fleetStart = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(3));
    simVertx = Vertx.vertx();
    SimulatorOptions options = SimulatorOptions.defaults(clock).withFleet(11L, 6, 2, fleetStart);
    sim = Futures.get(SimulatorServer.start(simVertx, options), 20);
  }

  @AfterEach
  void close() {
    Futures.get(simVertx.close(), 20);
  }

  @Test
  void aServiceKilledMidPollIsResumedByTheNextProcessAndTheTablesEqualGroundTruth(@TempDir Path dir)
      throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    SyntheticFleet fleet = sim.tracksolid().fleet();
    assertThat(fleet.end())
        .as("every event is over before the service starts")
        .isBefore(Instant.now());
    // Slow trip and parking answers: the first catch-up takes seconds, so it can be cut mid-way.
    sim.tracksolid().faults().inject(MILEAGE, Fault.delay(Duration.ofMillis(600)), -1);
    sim.tracksolid().faults().inject(PARKING, Fault.delay(Duration.ofMillis(150)), -1);

    Map<String, String> envA = env(db, dir, "crash-a");
    Launched first = launch(dir, envA);
    Launched second = null;
    try {
      awaitHealth(first, Integer.parseInt(envA.get("HTTP_PORT")));
      await(
          first,
          "first rows committed while a trip fetch is in flight and history is left",
          () ->
              Sql.count(
                          db,
                          "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.trips' AND status = 'ok'"
                              + " AND instance_id = 'crash-a'")
                      > 0
                  && Sql.count(db, "SELECT count(*) FROM tracksolid.trips") > 0
                  && checkpoint(db, "trips").isBefore(fleet.end().minus(Duration.ofHours(6)))
                  && sim.tracksolid().inflight(MILEAGE) > 0);
      first
          .process()
          .destroyForcibly(); // SIGKILL: no shutdown hook, no lease release, open transaction lost
      assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(first.output()).doesNotContain("stopped");
      long tripsAtKill = Sql.count(db, "SELECT count(*) FROM tracksolid.trips");
      Instant tripsMarkAtKill = checkpoint(db, "trips");
      System.out.printf(
          "killed with %d trips stored, trips checkpoint %s, fleet %s..%s%n",
          tripsAtKill, tripsMarkAtKill, fleet.start(), fleet.end());
      assertThat(tripsAtKill)
          .as("the kill left trips to fetch")
          .isLessThan(truthTrips(fleet, listed(fleet)).size());

      sim.tracksolid().faults().clear();
      Instant secondStarted = Instant.now();
      Map<String, String> envB = env(db, dir, "crash-b");
      second = launch(dir, envB);
      awaitHealth(second, Integer.parseInt(envB.get("HTTP_PORT")));
      Launched running = second;
      Instant horizon = secondStarted.minus(SETTLE);
      // The first process's leases lapse (POLL_LEASE_TTL), then the second one catches up to its
      // own horizon.
      for (String endpoint : List.of("alarms", "trips", "parking")) {
        await(
            running,
            endpoint + " checkpoint at the settle horizon " + horizon,
            () -> !checkpoint(db, endpoint).isBefore(horizon));
      }
      await(
          running,
          "a device sync by the second process",
          () ->
              Sql.count(
                      db,
                      "SELECT count(*) FROM "
                          + "tracksolid.ingestion_log WHERE stream = 'poll.devices' AND instance_id = 'crash-b'")
                  > 0);
      second.process().destroy();
      assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.process().exitValue()).as(second.output()).isZero();

      assertThat(checkpoint(db, "trips")).isAfter(tripsMarkAtKill);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.trips' "
                      + "AND instance_id = 'crash-b' AND rows_inserted > 0"))
          .as("the second process inserted the rest")
          .isPositive();
      assertMatchesGroundTruth(db, fleet);
    } finally {
      first.process().destroyForcibly();
      if (second != null) {
        second.process().destroyForcibly();
      }
    }
  }

  private Map<String, String> env(DatabaseTarget db, Path dir, String instance) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.uri());
    env.put("HTTP_PORT", String.valueOf(freePortQuietly()));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("INSTANCE_ID", instance);
    env.put("JIMI_WEBHOOK_TOKEN", "crash-test-token-0123456789abcdef");
    env.put("WEBHOOK_SPOOL_DIR", dir.resolve("spool-" + instance).toString());
    env.put("GEOCODE_ENABLED", "false");
    env.put("POLL_INTERVAL_ALARMS", "PT0.2S");
    env.put("POLL_INTERVAL_TRIPS", "PT0.2S");
    env.put("POLL_INTERVAL_PARKING", "PT0.2S");
    env.put("POLL_INTERVAL_DEVICES", "PT0.5S");
    env.put("POLL_INTERVAL_POSITIONS", "PT0.5S");
    env.put("POLL_LOOKBACK", "P4D");
    env.put("POLL_OVERLAP", "PT1H");
    // Longer than the fleet's longest stop (about 5 h of parking).
    env.put("POLL_OVERLAP_STOPS", "PT6H");
    env.put("POLL_SETTLE", SETTLE.toString());
    env.put("POLL_SLICE", "PT6H");
    env.put("POLL_LEASE_TTL", "PT3S");
    env.put("TRACKSOLID_RETRY_BASE_DELAY", "PT0.01S");
    env.put("TRACKSOLID_RETRY_MAX_DELAY", "PT0.05S");
    return DemoEnvironment.overlay(env, sim);
  }

  private static int freePortQuietly() {
    try {
      return freePort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The devices the simulator lists now, over both targets. */
  private static List<String> listed(SyntheticFleet fleet) {
    TreeSet<String> out = new TreeSet<>();
    for (String target : List.of(SimulatorOptions.DEMO_USER, SimulatorOptions.DEMO_USER + "-sub")) {
      fleet.devices(target).forEach(d -> out.add(d.imei()));
    }
    return List.copyOf(out);
  }

  private static SortedSet<String> truthTrips(SyntheticFleet fleet, List<String> imeis) {
    TreeSet<String> out = new TreeSet<>();
    fleet
        .trips(imeis, Instant.EPOCH, fleet.end())
        .forEach(t -> out.add(t.imei() + "|" + t.startTime() + "|" + t.endTime()));
    return out;
  }

  private static void assertMatchesGroundTruth(DatabaseTarget db, SyntheticFleet fleet) {
    List<String> imeis = listed(fleet);
    assertThat(imeis).hasSize(5);
    assertThat(stored(db, "SELECT imei FROM tracksolid.devices WHERE active", "imei"))
        .containsExactlyElementsOf(imeis);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices")).isEqualTo(imeis.size());

    SortedSet<String> trips = truthTrips(fleet, imeis);
    TreeSet<String> stops = new TreeSet<>();
    for (String acc : List.of("off", "on")) {
      fleet
          .stops(imeis, acc, Instant.EPOCH, fleet.end())
          .forEach(
              s ->
                  stops.add(
                      s.imei()
                          + "|"
                          + ("off".equals(acc) ? "parking" : "idling")
                          + "|"
                          + s.startTime()
                          + "|"
                          + s.endTime()));
    }
    TreeSet<String> alarms = new TreeSet<>();
    fleet
        .alarms(imeis, Instant.EPOCH, fleet.end())
        .forEach(a -> alarms.add(a.imei() + "|" + a.alertTypeId() + "|" + a.alertTime()));
    assertThat(trips).isNotEmpty();
    assertThat(stops).isNotEmpty();
    assertThat(alarms).isNotEmpty();

    // Sets and counts both: a set alone would hide a row stored twice.
    assertThat(
            stored(
                db,
                "SELECT imei, start_time, end_time FROM tracksolid.trips",
                "imei",
                "start_time",
                "end_time"))
        .isEqualTo(trips);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.trips")).isEqualTo(trips.size());
    assertThat(
            stored(
                db,
                "SELECT imei, kind, start_time, end_time FROM tracksolid.parking",
                "imei",
                "kind",
                "start_time",
                "end_time"))
        .isEqualTo(stops);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.parking")).isEqualTo(stops.size());
    assertThat(
            stored(
                db,
                "SELECT imei, alarm_type, alarm_time FROM tracksolid.alarms",
                "imei",
                "alarm_type",
                "alarm_time"))
        .isEqualTo(alarms);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.alarms")).isEqualTo(alarms.size());
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.quarantine")).isZero();

    // Every stored row was inserted exactly once by a logged, committed run; the killed run logged
    // nothing.
    for (String[] t :
        new String[][] {
          {"poll.trips", "trips"},
          {"poll.parking", "parking"},
          {"poll.alarms", "alarms"},
          {"poll.devices", "devices"},
          {"poll.positions", "position_history"}
        }) {
      assertThat(
              Sql.count(
                  db,
                  "SELECT coalesce(sum(rows_inserted), 0) FROM tracksolid.ingestion_log WHERE stream = '"
                      + t[0]
                      + "'"))
          .as(t[0] + " inserts logged")
          .isEqualTo(Sql.count(db, "SELECT count(*) FROM tracksolid." + t[1]));
    }
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.ingestion_log WHERE rows_fetched < rows_inserted "
                    + "+ rows_updated + rows_rejected"))
        .isZero();
  }

  private static SortedSet<String> stored(DatabaseTarget db, String sql, String... columns) {
    TreeSet<String> out = new TreeSet<>();
    for (Map<String, Object> r : Sql.rows(db, sql)) {
      StringBuilder key = new StringBuilder();
      for (String c : columns) {
        if (key.length() > 0) {
          key.append('|');
        }
        Object v = r.get(c);
        key.append(v instanceof OffsetDateTime || v instanceof java.sql.Timestamp ? instant(v) : v);
      }
      out.add(key.toString());
    }
    return out;
  }

  private static Instant checkpoint(DatabaseTarget db, String endpoint) {
    List<Map<String, Object>> rows =
        Sql.rows(
            db,
            "SELECT position FROM tracksolid.checkpoints WHERE account = '"
                + SimulatorOptions.DEMO_USER
                + "' AND endpoint = '"
                + endpoint
                + "'");
    return rows.isEmpty() ? Instant.EPOCH : instant(rows.get(0).get("position"));
  }

  private static Instant instant(Object v) {
    return v instanceof OffsetDateTime o ? o.toInstant() : ((java.sql.Timestamp) v).toInstant();
  }

  private static void await(Launched p, String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    while (!condition.getAsBoolean()) {
      if (!p.process().isAlive()) {
        throw new AssertionError("process exited while waiting for " + what + ": " + p.output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; output:\n" + p.output());
      }
      Thread.sleep(25);
    }
  }
}
