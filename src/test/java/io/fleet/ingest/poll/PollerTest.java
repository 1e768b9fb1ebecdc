package io.fleet.ingest.poll;

import static io.fleet.ingest.poll.PollFixture.await;
import static io.fleet.ingest.poll.PollFixture.awaitCaughtUp;
import static io.fleet.ingest.poll.PollFixture.checkpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pollers as deployed: real verticles, real PostgreSQL, a deterministic synthetic fleet. */
class PollerTest {
  static final int FLEET = 4;

  @Test
  void repeatedOverlappingAndInterruptedRunsEndExactlyAtGroundTruth() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(3)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    Instant from = clock.instant().minus(PollFixture.LOOKBACK);
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      int before = fleet.callCount("trips");
      await("repeated overlapping runs", () -> fleet.callCount("trips") > before + 3);
      PollFixture.assertExact(db, fleet, from, clock);

      // Trip calls fail for a while: runs end in error rows and the checkpoint stays put.
      Instant held = checkpoint(db, "acme", "trips");
      fleet.failWhen(c -> c.startsWith("trips"));
      clock.advance(Duration.ofDays(1));
      int failing = fleet.callCount("trips");
      await("failing runs", () -> fleet.callCount("trips") > failing + 3);
      assertThat(checkpoint(db, "acme", "trips")).isEqualTo(held);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.trips' "
                      + "AND status = 'error' AND error LIKE '%injected failure%'"))
          .isPositive();
      fleet.failWhen(c -> false);
      awaitCaughtUp(db, "acme", clock, FLEET);
      PollFixture.assertExact(db, fleet, from, clock);
    } finally {
      TestService.stop(service);
    }

    // Killed mid-way through a two-day catch-up (four slices), then restarted.
    clock.advance(Duration.ofDays(2));
    RunningService second = PollFixture.start(PollFixture.env(db, "b"), clock, fleet);
    Instant cp = checkpoint(db, "acme", "trips");
    await("first catch-up slice", () -> checkpoint(db, "acme", "trips").isAfter(cp));
    TestService.stop(second);
    RunningService third = PollFixture.start(PollFixture.env(db, "c"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      PollFixture.assertExact(db, fleet, from, clock);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices WHERE active"))
          .isEqualTo(FLEET);
      assertThat(Sql.count(db, "SELECT count(DISTINCT imei) FROM tracksolid.position_history"))
          .isEqualTo(FLEET);
      // The position poll records each device's contact for the fleet status.
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.device_state d WHERE last_contact_source = 'poll' "
                      + "AND last_fix_at = (SELECT max(gps_time) FROM tracksolid.position_history p WHERE p.imei = d.imei)"))
          .isEqualTo(FLEET);
      // The device sync's upserts opened each device's assignment history.
      assertThat(
              Sql.count(
                  db, "SELECT count(*) FROM tracksolid.device_assignments WHERE valid_to IS NULL"))
          .isEqualTo(FLEET);
      // The second replica may have finished the catch-up already: wait for this one's own runs.
      await(
          "trip runs on the restarted service",
          () ->
              third
                  .context()
                  .registry()
                  .scrape()
                  .contains(
                      "tracksolid_poll_duration_seconds_count{account=\"acme\",stream=\"poll.trips\"}"));
      String metrics = third.context().registry().scrape();
      assertThat(metrics)
          .contains("tracksolid_rows_ingested_total{outcome=\"inserted\",stream=\"poll.trips\"}")
          .contains("tracksolid_poll_duration_seconds_bucket")
          .contains("tracksolid_checkpoint_lag_seconds");
    } finally {
      TestService.stop(third);
    }
  }

  @Test
  void rateLimitAndServerErrorStormsEndInCompleteness() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(3)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    Instant from = clock.instant().minus(PollFixture.LOOKBACK);
    fleet.failNext(25);
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      clock.advance(Duration.ofHours(20));
      fleet.failNext(25);
      awaitCaughtUp(db, "acme", clock, FLEET);
      PollFixture.assertExact(db, fleet, from, clock);
      assertThat(
              Sql.count(db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE status = 'error'"))
          .isPositive();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void garbageTimestampsAreQuarantinedWithReasonsAndCountedAsRejected() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(1)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    fleet.garbage = true;
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      assertThat(
              Sql.rows(
                  db,
                  "SELECT DISTINCT reason FROM tracksolid.quarantine WHERE stream = 'poll.alarms' "
                      + "ORDER BY reason"))
          .extracting(r -> r.get("reason"))
          .containsExactly("before_epoch", "too_far_in_future", "unparseable_time");
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.alarms WHERE alarm_time < '2020-01-01' "
                      + "OR alarm_time > '2027-01-01'"))
          .isZero();
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms' "
                      + "AND status = 'ok' AND rows_rejected <> 3"))
          .isZero();
      assertThat(
              Sql.count(
                  db,
                  "SELECT sum(rows_rejected) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms'"))
          .isGreaterThanOrEqualTo(3);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void deviceSyncNeverDisablesWhileATargetFails() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(1)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    RunningService service = PollFixture.start(PollFixture.env(db, "a"), clock, fleet);
    try {
      await(
          "all devices",
          () -> Sql.count(db, "SELECT count(*) FROM tracksolid.devices WHERE active") == FLEET);
      String retired = fleet.imeisOf("acme").remove(0);
      fleet.failingTargets.add("acme-sub");
      int calls = fleet.callCount("devices acme-sub");
      await("syncs with a failing target", () -> fleet.callCount("devices acme-sub") > calls + 3);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices WHERE active"))
          .isEqualTo(FLEET);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.devices' "
                      + "AND status = 'error' AND error LIKE '%disable pass skipped%'"))
          .isPositive();

      fleet.failingTargets.clear();
      await(
          "retired device disabled",
          () ->
              Sql.count(
                      db,
                      "SELECT count(*) FROM tracksolid.devices WHERE NOT active "
                          + "AND disabled_at IS NOT NULL AND imei = '"
                          + retired
                          + "'")
                  == 1);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.devices WHERE active"))
          .isEqualTo(FLEET - 1);

      fleet.imeisOf("acme").add(retired);
      await(
          "returning device re-enabled",
          () ->
              Sql.count(
                      db,
                      "SELECT count(*) FROM tracksolid.devices WHERE active "
                          + "AND disabled_at IS NULL")
                  == FLEET);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void twoReplicasNeverPollTheSameJobAndStoreWhatOneWould() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(3)));
    FakeFleet seenByA = FakeFleet.of("acme", FLEET, clock);
    FakeFleet seenByB = FakeFleet.of("acme", FLEET, clock);
    Instant from = clock.instant().minus(PollFixture.LOOKBACK);
    // The lease outlives the clock jump below: a jump past the TTL would look like a crashed owner.
    var envA = PollFixture.env(db, "replica-a");
    envA.put("POLL_LEASE_TTL", "P1D");
    var envB = PollFixture.env(db, "replica-b");
    envB.put("POLL_LEASE_TTL", "P1D");
    io.vertx.core.Promise<Void> gate = io.vertx.core.Promise.promise();
    RunningService a = PollFixture.startGated(envA, clock, gate.future(), seenByA);
    RunningService b = PollFixture.startGated(envB, clock, gate.future(), seenByB);
    gate.complete();
    try {
      awaitCaughtUp(db, "acme", clock, FLEET);
      clock.advance(Duration.ofHours(13));
      awaitCaughtUp(db, "acme", clock, FLEET);
      for (String method : new String[] {"alarms", "trips", "stops", "devices", "positions"}) {
        assertThat(seenByA.callCount(method) == 0 || seenByB.callCount(method) == 0)
            .as(
                method + " polled by one replica only: a=%d b=%d",
                seenByA.callCount(method),
                seenByB.callCount(method))
            .isTrue();
        assertThat(seenByA.callCount(method) + seenByB.callCount(method)).isPositive();
      }
      PollFixture.assertExact(db, seenByA, from, clock);
    } finally {
      TestService.stop(a);
      TestService.stop(b);
    }
  }
}
