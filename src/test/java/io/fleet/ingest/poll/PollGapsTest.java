package io.fleet.ingest.poll;

import static io.fleet.ingest.poll.PollFixture.checkpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.RunStatus;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs driven one at a time on a held clock (pollers not scheduled) against real PostgreSQL and the
 * fake fleet's exact ground truth: the ways rows could be silently missed.
 */
class PollGapsTest {
  static final int FLEET = 4;

  DatabaseTarget db = TestDatabases.fresh();
  MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(3)));
  Instant t0 = clock.instant();
  FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
  RunningService service;
  PollRunner runner;

  void start(Map<String, String> extra) {
    Map<String, String> env = PollFixture.env(db, "gaps");
    env.put("POLL_ENABLED", "false");
    env.putAll(extra);
    service =
        TestService.start(env, clock, ctx -> List.of(PollFixture.pollModule(ctx, List.of(fleet))));
    runner = TestService.module(service, PollModule.class).runner();
  }

  @AfterEach
  void stop() {
    if (service != null) {
      TestService.stop(service);
    }
  }

  RunResult run(Endpoint endpoint) {
    return Futures.get(runner.run(fleet, endpoint, () -> false, null), 60);
  }

  RunResult sync() {
    return Futures.get(runner.run(fleet, Endpoint.DEVICES, () -> false, null), 30);
  }

  void runAll() {
    for (Endpoint e : List.of(Endpoint.ALARMS, Endpoint.TRIPS, Endpoint.PARKING)) {
      run(e);
    }
  }

  @Test
  void aLongStopAndALateAlarmLandThroughTheReconcilePass() {
    start(Map.of("POLL_RECONCILE_INTERVAL", "PT6H", "POLL_RECONCILE_WINDOW", "P5D"));
    String imei = fleet.allImeis().get(0);
    // Parked Friday evening to Monday morning: listed only once it ends, three days after it
    // started.
    Instant parkedAt = t0.minus(Duration.ofHours(1)).plusSeconds(7);
    Instant leftAt = t0.plus(Duration.ofDays(3));
    int dur = (int) Duration.between(parkedAt, leftAt).toSeconds();
    fleet.extraStops.add(
        new ParkingRecord(
            imei,
            ParkingRecord.Kind.PARKING,
            parkedAt,
            leftAt,
            "acme",
            dur,
            dur,
            -1.3,
            36.8,
            "Depot",
            null,
            new JsonObject().put("imei", imei).put("startTime", parkedAt.toString())));
    // A tracker offline for a day uploads an alarm five hours older than the window then polled.
    Instant alarmAt = t0.plus(Duration.ofDays(1)).minus(Duration.ofHours(5));
    fleet.lateAlarms.add(
        new FakeFleet.Late(
            new AlarmRecord(
                imei,
                "LATE",
                alarmAt,
                "late",
                null,
                "acme",
                -1.3,
                36.8,
                0.0,
                alarmAt,
                null,
                null,
                new JsonObject().put("imei", imei)),
            t0.plus(Duration.ofDays(2))));

    sync();
    runAll();
    for (Duration step :
        List.of(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1).plusHours(1))) {
      clock.advance(step);
      runAll();
    }

    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.parking WHERE imei = '"
                    + imei
                    + "' AND start_time = '"
                    + parkedAt
                    + "' AND end_time = '"
                    + leftAt
                    + "'"))
        .isEqualTo(1);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.alarms WHERE imei = '"
                    + imei
                    + "' AND alarm_type = 'LATE' AND alarm_time = '"
                    + alarmAt
                    + "'"))
        .isEqualTo(1);
    PollFixture.assertExact(db, fleet, t0.minus(PollFixture.LOOKBACK), clock);
    // The reconcile pass keeps its own progress and never pulls the main checkpoint back.
    Instant settled = clock.instant().minus(PollFixture.SETTLE);
    for (String ep : List.of("alarms", "trips", "parking")) {
      assertThat(checkpoint(db, "acme", ep)).isEqualTo(settled);
      Map<String, Object> r =
          Sql.one(
              db,
              "SELECT state::text AS s FROM tracksolid.checkpoints WHERE account = 'acme' "
                  + "AND endpoint = 'reconcile:"
                  + ep
                  + "'");
      assertThat(new JsonObject(String.valueOf(r.get("s"))).getString("completedAt"))
          .isEqualTo(clock.instant().toString());
    }
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.parking' "
                    + "AND run_kind = 'scheduled' AND window_start < '"
                    + parkedAt
                    + "' AND rows_inserted > 0 "
                    + "AND window_start > '"
                    + t0.plus(Duration.ofDays(1))
                    + "'"))
        .isZero();
  }

  @Test
  void aDeviceBackAfterBeingDisabledIsCaughtUpFromNoFurtherThanTheLookback() {
    start(Map.of());
    sync();
    run(Endpoint.TRIPS);
    String away = fleet.imeisOf("acme").remove(0);
    sync();
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices WHERE active"))
        .isEqualTo(FLEET - 1);
    for (int day = 0; day < 4; day++) {
      clock.advance(Duration.ofDays(1));
      run(Endpoint.TRIPS);
    }
    fleet.imeisOf("acme").add(away);
    sync();
    fleet.calls.clear();
    run(Endpoint.TRIPS);

    Instant reach = clock.instant().minus(PollFixture.LOOKBACK);
    Instant settled = clock.instant().minus(PollFixture.SETTLE).minus(PollFixture.STOPS_OVERLAP);
    TreeSet<String> truth = new TreeSet<>();
    fleet.tripsTruth(away, reach, settled).forEach(t -> truth.add(t.startTime().toString()));
    TreeSet<String> stored = new TreeSet<>();
    Sql.rows(
            db,
            "SELECT start_time FROM tracksolid.trips WHERE imei = '"
                + away
                + "' AND start_time >= '"
                + reach
                + "' AND start_time < '"
                + settled
                + "'")
        .forEach(r -> stored.add(PollFixture.instant(r.get("start_time")).toString()));
    assertThat(stored).isEqualTo(truth).isNotEmpty();
    // The catch-up reached back the lookback (plus overlap), not to where the account's history
    // began.
    Instant earliest = reach.minus(PollFixture.STOPS_OVERLAP);
    assertThat(fleet.calls)
        .filteredOn(c -> c.startsWith("trips"))
        .allSatisfy(c -> assertThat(Instant.parse(c.split(" ", -1)[1])).isAfterOrEqualTo(earliest));
    assertThat(
            Sql.count(
                db,
                "SELECT jsonb_array_length(state->'imeis') FROM tracksolid.checkpoints "
                    + "WHERE account = 'acme' AND endpoint = 'trips'"))
        .isEqualTo(FLEET);
  }

  @Test
  void aFailingCatchUpDoesNotHoldUpTheMainWindowAndIsRetried() {
    start(Map.of());
    sync();
    run(Endpoint.TRIPS);
    String added = String.format("86%013d", 99);
    fleet.imeisOf("acme").add(added);
    sync();
    clock.advance(Duration.ofHours(6));
    Instant mainFrom = checkpoint(db, "acme", "trips").minus(PollFixture.STOPS_OVERLAP);
    fleet.failWhen(
        c -> c.startsWith("trips") && Instant.parse(c.split(" ", -1)[1]).isBefore(mainFrom));
    RunResult r = run(Endpoint.TRIPS);

    assertThat(r.status()).isEqualTo(RunStatus.ERROR);
    assertThat(checkpoint(db, "acme", "trips"))
        .isEqualTo(clock.instant().minus(PollFixture.SETTLE));
    assertThat(
            Sql.count(
                db,
                "SELECT jsonb_array_length(state->'imeis') FROM tracksolid.checkpoints "
                    + "WHERE account = 'acme' AND endpoint = 'trips'"))
        .isEqualTo(FLEET);

    fleet.failWhen(c -> false);
    clock.advance(Duration.ofMinutes(30));
    assertThat(run(Endpoint.TRIPS).ok()).isTrue();
    assertThat(
            Sql.count(
                db,
                "SELECT jsonb_array_length(state->'imeis') FROM tracksolid.checkpoints "
                    + "WHERE account = 'acme' AND endpoint = 'trips'"))
        .isEqualTo(FLEET + 1);
    Instant reach = clock.instant().minus(PollFixture.LOOKBACK);
    Instant settled = clock.instant().minus(PollFixture.SETTLE).minus(PollFixture.STOPS_OVERLAP);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.trips WHERE imei = '"
                    + added
                    + "' AND start_time >= '"
                    + reach
                    + "' AND start_time < '"
                    + settled
                    + "'"))
        .isEqualTo(fleet.tripsTruth(added, reach, settled).size())
        .isPositive();
  }

  @Test
  void aSliceCommitsOnlyWhileItsLeaseIsHeld() {
    start(Map.of());
    sync();
    String lease = "poll:trips:acme";
    Sql.exec(
        db,
        "INSERT INTO tracksolid.leases (name, owner, acquired_at, expires_at) VALUES ('"
            + lease
            + "', 'replica-a', '"
            + t0
            + "', '"
            + t0.plus(Duration.ofMinutes(5))
            + "')");

    assertThatThrownBy(
            () ->
                Futures.get(
                    runner.run(fleet, Endpoint.TRIPS, () -> false, new Fence(lease, "replica-b")),
                    60))
        .hasMessageContaining("no longer held");
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.trips")).isZero();
    assertThat(
            Sql.count(db, "SELECT count(*) FROM tracksolid.checkpoints WHERE endpoint = 'trips'"))
        .isZero();
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.trips' "
                    + "AND status = 'error' AND error LIKE '%no longer held%'"))
        .isEqualTo(1);

    assertThat(
            Futures.get(
                    runner.run(fleet, Endpoint.TRIPS, () -> false, new Fence(lease, "replica-a")),
                    60)
                .ok())
        .isTrue();
    Instant committed = checkpoint(db, "acme", "trips");
    assertThat(committed).isEqualTo(t0.minus(PollFixture.SETTLE));

    // The lease lapsed (say the replica stalled): its next slice rolls back.
    clock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(
            () ->
                Futures.get(
                    runner.run(fleet, Endpoint.TRIPS, () -> false, new Fence(lease, "replica-a")),
                    60))
        .hasMessageContaining("no longer held");
    assertThat(checkpoint(db, "acme", "trips")).isEqualTo(committed);
  }

  @Test
  void deviceSyncLogsDisablesAsDetailAndDistrustsAnEmptiedTarget() {
    start(Map.of());
    sync();
    Instant synced = checkpoint(db, "acme", "devices");
    String retired = fleet.imeisOf("acme").remove(0);
    clock.advance(Duration.ofMinutes(1));
    sync();
    Map<String, Object> row =
        Sql.one(
            db,
            "SELECT rows_fetched, rows_inserted, rows_updated, detail::text AS d "
                + "FROM tracksolid.ingestion_log WHERE stream = 'poll.devices' ORDER BY id DESC LIMIT 1");
    assertThat(((Number) row.get("rows_fetched")).intValue()).isEqualTo(FLEET - 1);
    assertThat(((Number) row.get("rows_updated")).intValue()).isZero();
    JsonObject detail = new JsonObject(String.valueOf(row.get("d")));
    assertThat(detail.getInteger("disabled")).isEqualTo(1);
    assertThat(detail.getJsonArray("disabledImeis").stream().toList()).containsExactly(retired);

    // A sub-account that had devices and suddenly lists none is a failed listing: nothing is
    // disabled.
    List<String> sub = List.copyOf(fleet.imeisOf("acme-sub"));
    fleet.imeisOf("acme-sub").clear();
    clock.advance(Duration.ofMinutes(1));
    assertThat(sync().status()).isEqualTo(RunStatus.ERROR);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices WHERE active"))
        .isEqualTo(FLEET - 1);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.devices' "
                    + "AND status = 'error' AND error LIKE '%acme-sub: listed no devices (had 2)%'"))
        .isEqualTo(1);
    fleet.imeisOf("acme-sub").addAll(sub);

    // Every target failing vouches for nothing: the checkpoint stays.
    Instant before = checkpoint(db, "acme", "devices");
    assertThat(before).isAfter(synced);
    fleet.failingTargets.addAll(List.of("acme", "acme-sub"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(sync().status()).isEqualTo(RunStatus.ERROR);
    assertThat(checkpoint(db, "acme", "devices")).isEqualTo(before);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.ingestion_log WHERE rows_fetched < rows_inserted "
                    + "+ rows_updated + rows_rejected"))
        .isZero();
  }

  @Test
  void aPushedAlarmDoesNotMoveWhereTheFirstAlarmPollStarts() {
    start(Map.of());
    sync();
    String imei = fleet.allImeis().get(0);
    Sql.exec(
        db,
        "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, account, first_source, seen_by_push) "
            + "VALUES ('"
            + imei
            + "', 'PUSHED', '"
            + t0.minus(Duration.ofMinutes(10))
            + "', 'acme', 'push', true)");
    run(Endpoint.ALARMS);
    Instant from = t0.minus(PollFixture.LOOKBACK);
    Instant settled = t0.minus(PollFixture.SETTLE).minus(PollFixture.OVERLAP);
    assertThat(PollFixture.storedAlarms(db, from, settled))
        .isEqualTo(PollFixture.truthAlarms(fleet, from, settled))
        .isNotEmpty();
  }
}
