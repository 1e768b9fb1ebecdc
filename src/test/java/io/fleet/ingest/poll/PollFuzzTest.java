package io.fleet.ingest.poll;

import static io.fleet.ingest.poll.PollFixture.checkpoint;
import static io.fleet.ingest.poll.PollFixture.instant;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.ServedRows;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.VendorGarbage;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The poll side polling through vendor garbage: the simulator breaks a share of the rows of every
 * poll method (oversized and random strings, integers past 32 and 64 bits, NUL, lone surrogates,
 * numbers for strings and strings for numbers, missing keys, rows repeated within and across
 * pages), seeded, and the service polls through it into PostgreSQL. Checked against the simulator's
 * ground truth: every clean row stored exactly once, every broken row stored within the rules or
 * quarantined with a reason, every checkpoint at the end of its window, no stream in error, and the
 * same counts after a restart.
 *
 * <p>CI runs a few hundred broken rows per kind. {@code -Dpoll.fuzz.devices=N} and {@code
 * -Dpoll.fuzz.days=D} (the polled history) make the run larger, {@code -Dpoll.fuzz.report=FILE}
 * writes the figures into FILE (see docs/reports/reliability.md for the command that runs over
 * 10,000 broken rows).
 */
class PollFuzzTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final long SEED = Long.getLong("poll.fuzz.seed", 20261208L);
  static final int DEVICES = Integer.getInteger("poll.fuzz.devices", 40);
  static final double SHARE = 0.2;
  static final int ROUNDS = Integer.getInteger("poll.fuzz.rounds", 20);
  static final int DAYS = Integer.getInteger("poll.fuzz.days", 3);
  private static final long STARTED = System.nanoTime();

  /** The windowed streams: vendor method, ingestion_log stream, stored key query. */
  record Kind(String method, String stream, String storedKeys) {}

  static final List<Kind> WINDOWED =
      List.of(
          new Kind(
              "jimi.device.alarm.list",
              "poll.alarms",
              "SELECT imei || '|' || alarm_type || '|' AS k, alarm_time AS t FROM tracksolid.alarms"),
          new Kind(
              "jimi.device.track.mileage",
              "poll.trips",
              "SELECT imei || '|' AS k, start_time AS t FROM tracksolid.trips"),
          new Kind(
              "jimi.open.platform.report.parking",
              "poll.parking",
              "SELECT imei || '|' || CASE kind WHEN 'parking' THEN 'off' ELSE 'on' END || '|' AS k,"
                  + " start_time AS t FROM tracksolid.parking"),
          new Kind(
              "jimi.user.device.location.list",
              "poll.positions",
              "SELECT imei || '|' AS k, gps_time AS t FROM tracksolid.position_history"));

  @Test
  void everyCleanRowLandsOnceAndEveryBrokenOneIsStoredWithinTheRulesOrQuarantined()
      throws IOException {
    MutableClock clock = new MutableClock(NOW);
    Vertx simVertx = Vertx.vertx();
    try {
      SimulatorOptions options =
          SimulatorOptions.defaults(clock)
              .withFleet(SEED, DEVICES, DAYS + 7, NOW.minus(Duration.ofDays(DAYS + 3)))
              .withGarbage(VendorGarbage.of(SEED, SHARE));
      SimulatorServer sim = Futures.get(SimulatorServer.start(simVertx, options), 20);
      DatabaseTarget db = TestDatabases.fresh();
      Map<String, String> env = PollFixture.env(db, "fuzz");
      env.put("POLL_LOOKBACK", "P" + DAYS + "D");
      env.put("POLL_OVERLAP_STOPS", "P1D");
      env.put("POLL_SLICE", "P1D");
      env.put("TRACKSOLID_RETRY_BASE_DELAY", "PT0.001S");
      env.put("TRACKSOLID_RETRY_MAX_DELAY", "PT0.005S");
      env = DemoEnvironment.overlay(env, sim);

      RunningService service = TestService.start(env, clock);
      try {
        awaitCaughtUp(db, clock);
      } finally {
        TestService.stop(service);
      }
      // Hours later, again and again, each time a restart: new windows, and each device's newest
      // fix changes as it drives, so the positions poll meets broken rows by the hundred too. The
      // clock moves while the service is down: a jump under a running poll would expire its
      // leases and the vendor's timestamp window, which is no vendor garbage.
      for (int round = 0; round < ROUNDS; round++) {
        clock.advance(Duration.ofHours(2));
        RunningService later = TestService.start(env, clock);
        try {
          awaitCaughtUp(db, clock);
          if (round == ROUNDS - 1) {
            awaitQuiet(db);
          }
        } finally {
          TestService.stop(later);
        }
      }
      Map<String, Long> first = counts(db);
      long lastQuarantined =
          Sql.count(db, "SELECT COALESCE(max(id), 0) FROM tracksolid.quarantine");
      ServedRows truth = sim.tracksolid().servedRows();
      PollFuzzReport report = check(db, truth);

      // A restart polls the same windows again (overlap, reconcile): nothing new may appear.
      RunningService again = TestService.start(env, clock);
      try {
        long runs = Sql.count(db, "SELECT count(*) FROM tracksolid.ingestion_log");
        await(
            "a second round of runs after the restart",
            () -> Sql.count(db, "SELECT count(*) FROM tracksolid.ingestion_log") > runs + 10);
        awaitCaughtUp(db, clock);
      } finally {
        TestService.stop(again);
      }
      assertThat(counts(db))
          .as(
              "tables and quarantine after the restart; new in quarantine: %s",
              Sql.rows(
                  db,
                  "SELECT q.id, q.stream, q.reason, q.item_hash, left(q.item::text, 300) AS item,"
                      + " (SELECT string_agg(o.id || ' ' || o.reason || ' ' || o.item_hash || ' '"
                      + " || left(o.item::text, 300), ' ;; ') FROM tracksolid.quarantine o"
                      + " WHERE o.id <> q.id AND o.imei IS NOT DISTINCT FROM q.imei"
                      + " AND o.item->>'endTime' = q.item->>'endTime') AS others"
                      + " FROM tracksolid.quarantine q WHERE q.id > "
                      + lastQuarantined))
          .isEqualTo(first);
      check(db, sim.tracksolid().servedRows());
      report.write(first, System.getProperty("poll.fuzz.report"));
    } finally {
      Futures.get(simVertx.close(), 20);
    }
  }

  @Test
  void brokenDeviceRowsByTheHundredLeaveTheCleanOnesSyncedAndTheSyncOk() {
    // Device rows are one per tracker: only a large fleet gives hundreds of broken ones. Garbage
    // on the device list alone, and a day of history, keeps the rest of the polling cheap.
    MutableClock clock = new MutableClock(NOW);
    Vertx simVertx = Vertx.vertx();
    try {
      SimulatorOptions options =
          SimulatorOptions.defaults(clock)
              .withFleet(SEED, 1500, 2, NOW.minus(Duration.ofDays(1)))
              .withGarbage(VendorGarbage.of(SEED, SHARE, "devices"));
      SimulatorServer sim = Futures.get(SimulatorServer.start(simVertx, options), 20);
      DatabaseTarget db = TestDatabases.fresh();
      io.fleet.ingest.db.Migrator.migrate(
          db, java.util.Optional.empty(), java.util.Optional.empty());
      Map<String, String> env = PollFixture.env(db, "fuzz-devices");
      env.put("POLL_LOOKBACK", "PT6H");
      for (String ep : List.of("ALARMS", "TRIPS", "PARKING", "POSITIONS")) {
        env.put("POLL_INTERVAL_" + ep, "PT1H");
      }
      env = DemoEnvironment.overlay(env, sim);
      Map<String, Long> first = new TreeMap<>();
      for (int run = 0; run < 2; run++) {
        long syncs = syncs(db);
        RunningService service = TestService.start(env, clock);
        try {
          await("a device sync", () -> syncs(db) > syncs);
        } finally {
          TestService.stop(service);
        }
        Map<String, Long> now = new TreeMap<>(counts(db));
        now.keySet()
            .removeIf(k -> !k.equals("devices") && !k.startsWith("quarantine poll.devices"));
        if (run == 0) {
          first.putAll(now);
        } else {
          assertThat(now).as("after a restart").isEqualTo(first);
        }
      }
      ServedRows truth = sim.tracksolid().servedRows();
      Set<String> devices = column(db, "SELECT imei AS v FROM tracksolid.devices");
      int broken = 0;
      for (ServedRows.Row row : truth.rows("jimi.user.device.list")) {
        if (row.clean()) {
          assertThat(devices).as("clean device row").contains(row.key());
        } else {
          broken++;
        }
      }
      assertThat(broken).as("broken device rows").isGreaterThan(200);
      // A row broken outside its id is stored under its id, within the rules. One whose id was
      // broken is quarantined, or stored under the id the garbage made of it (many become the same
      // 4294967296), so those are accounted for together, not one by one.
      List<ServedRows.Row> brokenRows =
          truth.rows("jimi.user.device.list").stream().filter(r -> !r.clean()).toList();
      long idBroken = brokenRows.stream().filter(r -> r.mutation().keyField()).count();
      for (ServedRows.Row r : brokenRows) {
        if (!r.mutation().keyField()) {
          assertThat(devices).as("device row broken in %s", r.mutation()).contains(r.key());
        }
      }
      long clean =
          truth.rows("jimi.user.device.list").stream().filter(ServedRows.Row::clean).count();
      long storedUnderOtherIds = devices.size() - clean - (brokenRows.size() - idBroken);
      assertThat(idBroken).isPositive();
      assertThat(quarantined(db, "poll.devices", null) + storedUnderOtherIds)
          .isBetween(1L, idBroken);
      assertWithinTheRules(db);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.devices'"
                      + " AND status <> 'ok'"))
          .isZero();
    } finally {
      Futures.get(simVertx.close(), 20);
    }
  }

  private static long syncs(DatabaseTarget db) {
    return Sql.count(
        db,
        "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.devices'"
            + " AND status = 'ok'");
  }

  /** As PollFixture.await, with a deadline that grows with the fleet (-Dpoll.fuzz.devices). */
  private static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(40 + DEVICES * DAYS / 2).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("timed out waiting for %s", what).isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Until a round of runs of every windowed stream (a reconcile pass among them) adds nothing: a
   * stop then interrupts no run that still had something to store, so the restart's comparison sees
   * what the service stored, not where the stop happened to fall.
   */
  private static void awaitQuiet(DatabaseTarget db) {
    String runs =
        "SELECT count(*) FROM tracksolid.ingestion_log WHERE status = 'ok' AND stream IN"
            + " ('poll.alarms', 'poll.trips', 'poll.parking')";
    var before = new java.util.concurrent.atomic.AtomicReference<>(counts(db));
    var mark = new java.util.concurrent.atomic.AtomicLong(Sql.count(db, runs));
    await(
        "a round of runs that stores nothing new",
        () -> {
          if (Sql.count(db, runs) < mark.get() + 9) {
            return false;
          }
          Map<String, Long> now = counts(db);
          boolean quiet = now.equals(before.getAndSet(now));
          mark.set(Sql.count(db, runs));
          return quiet;
        });
  }

  private static void awaitCaughtUp(DatabaseTarget db, MutableClock clock) {
    Instant target = clock.instant().minus(PollFixture.SETTLE);
    for (String ep : List.of("alarms", "trips", "parking")) {
      await(ep + " checkpoint at " + target, () -> !checkpoint(db, "demo", ep).isBefore(target));
    }
    await(
        "a device sync and a positions poll",
        () ->
            Sql.count(
                    db,
                    "SELECT count(DISTINCT stream) FROM tracksolid.ingestion_log"
                        + " WHERE stream IN ('poll.devices', 'poll.positions') AND status = 'ok'")
                == 2);
  }

  private PollFuzzReport check(DatabaseTarget db, ServedRows truth) {
    Set<String> devices = column(db, "SELECT imei AS v FROM tracksolid.devices WHERE active");
    PollFuzzReport report = new PollFuzzReport(SEED, DEVICES, DAYS, SHARE, ROUNDS, STARTED);
    for (Kind kind : WINDOWED) {
      Set<String> stored = new HashSet<>();
      Sql.rows(db, kind.storedKeys())
          .forEach(r -> stored.add(r.get("k") + instant(r.get("t")).toString()));
      List<String> missing = new ArrayList<>();
      List<String> lost = new ArrayList<>();
      int clean = 0;
      int broken = 0;
      for (ServedRows.Row row : truth.rows(kind.method())) {
        String imei = row.key().substring(0, row.key().indexOf('|'));
        if (row.clean()) {
          // A clean row of a device the sync refused (its own row was broken) is never asked for.
          if (devices.contains(imei)) {
            clean++;
            if (!stored.contains(row.key())) {
              missing.add(row.key());
            }
          }
          continue;
        }
        broken++;
        report.mutation(kind.stream(), row.mutation().kind().name());
        if (!stored.contains(row.key())
            && quarantined(db, kind.stream(), row.mutation().keyField() ? null : imei) == 0) {
          lost.add(row.key() + " " + row.mutation());
        }
      }
      assertThat(missing).as("clean %s rows not stored", kind.stream()).isEmpty();
      assertThat(lost).as("broken %s rows neither stored nor quarantined", kind.stream()).isEmpty();
      assertThat(clean).as("clean %s rows", kind.stream()).isPositive();
      assertThat(broken).as("broken %s rows", kind.stream()).isPositive();
      report.served(kind.stream(), clean, broken);
      // Exact counts: every fetched row of every run is inserted, updated, rejected or unchanged,
      // and no run ended in error.
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = '"
                      + kind.stream()
                      + "' AND status <> 'ok'"))
          .as("%s runs in error", kind.stream())
          .isZero();
    }
    // Broken device rows: stored within the rules or quarantined; the clean ones all stored.
    for (ServedRows.Row row : truth.rows("jimi.user.device.list")) {
      if (row.clean()) {
        assertThat(devices).as("clean device row").contains(row.key());
      } else if (!devices.contains(row.key())) {
        assertThat(
                quarantined(db, "poll.devices", null) + quarantined(db, "poll.devices", row.key()))
            .as("broken device row %s", row.mutation())
            .isPositive();
      }
    }
    assertWithinTheRules(db);
    return report;
  }

  /** What PostgreSQL holds is what the rules allow, whatever the vendor sent. */
  private static void assertWithinTheRules(DatabaseTarget db) {
    Map<String, String> never = new LinkedHashMap<>();
    never.put(
        "alarm types over 64",
        "SELECT count(*) FROM tracksolid.alarms WHERE length(alarm_type) > 64");
    never.put(
        "ids over 32",
        "SELECT (SELECT count(*) FROM tracksolid.alarms WHERE length(imei) > 32)"
            + " + (SELECT count(*) FROM tracksolid.trips WHERE length(imei) > 32)"
            + " + (SELECT count(*) FROM tracksolid.parking WHERE length(imei) > 32)"
            + " + (SELECT count(*) FROM tracksolid.devices WHERE length(imei) > 32)"
            + " + (SELECT count(*) FROM tracksolid.position_history WHERE length(imei) > 32)");
    never.put(
        "text over 500",
        "SELECT (SELECT count(*) FROM tracksolid.alarms WHERE length(alarm_name) > 500"
            + " OR length(address) > 500) + (SELECT count(*) FROM tracksolid.devices"
            + " WHERE length(device_name) > 500 OR length(vehicle_number) > 500)");
    never.put(
        "impossible durations or speeds",
        "SELECT (SELECT count(*) FROM tracksolid.trips WHERE duration_s NOT BETWEEN 0 AND 31622400"
            + " OR max_speed_kmh NOT BETWEEN 0 AND 1000 OR distance_m NOT BETWEEN 0 AND 20000000)"
            + " + (SELECT count(*) FROM tracksolid.parking WHERE duration_s NOT BETWEEN 0 AND 31622400)"
            + " + (SELECT count(*) FROM tracksolid.position_history WHERE speed_kmh NOT BETWEEN 0 AND 1000"
            + " OR abs(lat) > 90 OR abs(lng) > 180 OR (lat = 0 AND lng = 0))");
    for (var e : never.entrySet()) {
      assertThat(Sql.count(db, e.getValue())).as(e.getKey()).isZero();
    }
  }

  private static long quarantined(DatabaseTarget db, String stream, String imei) {
    return Sql.count(
        db,
        "SELECT count(*) FROM tracksolid.quarantine WHERE stream = '"
            + stream
            + "'"
            + (imei == null ? "" : " AND imei = '" + imei.replace("'", "''") + "'"));
  }

  private static Set<String> column(DatabaseTarget db, String sql) {
    Set<String> out = new HashSet<>();
    Sql.rows(db, sql).forEach(r -> out.add(String.valueOf(r.get("v"))));
    return out;
  }

  /** Row counts of every table the polls write, and the quarantine by stream and reason. */
  private static Map<String, Long> counts(DatabaseTarget db) {
    Map<String, Long> out = new TreeMap<>();
    for (String t : List.of("alarms", "trips", "parking", "devices", "position_history")) {
      out.put(t, Sql.count(db, "SELECT count(*) FROM tracksolid." + t));
    }
    Sql.rows(
            db,
            "SELECT stream || ' ' || reason AS k, count(*) AS n FROM tracksolid.quarantine"
                + " GROUP BY 1")
        .forEach(r -> out.put("quarantine " + r.get("k"), ((Number) r.get("n")).longValue()));
    return out;
  }
}
