package io.fleet.ingest.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.IngestionLogRows;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A purge slot missed while every replica was down runs at the next start; otherwise start purges
 * nothing.
 */
class PurgeCatchUpTest {
  static final Instant INSTALLED = Instant.parse("2026-03-10T10:00:00Z");
  static final Instant AFTER_OUTAGE =
      Instant.parse("2026-03-12T10:00:00Z"); // the 02:30 slots of the 11th and 12th passed
  static final String PURGES =
      "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'job.purge'";

  @Test
  void aMissedSlotIsCaughtUpAtStart() {
    DatabaseTarget db = installedAt(INSTALLED);
    MutableClock clock = new MutableClock(INSTALLED);
    TestService.stop(TestService.start(env(db, "first"), clock));
    assertThat(Sql.count(db, PURGES)).as("a fresh install has missed no slot").isZero();

    clock.set(AFTER_OUTAGE);
    var service = TestService.start(env(db, "after-deploy"), clock);
    try {
      Waits.until("the missed purge ran", () -> Sql.count(db, PURGES) == 1);
      assertThat(
              Sql.one(
                  db,
                  "SELECT status, rows_deleted, instance_id, finished_at = timestamptz '"
                      + AFTER_OUTAGE
                      + "' AS now FROM tracksolid.ingestion_log WHERE stream = 'job.purge'"))
          .containsEntry("status", "ok")
          .containsEntry("rows_deleted", 3)
          .containsEntry("instance_id", "after-deploy")
          .containsEntry("now", true);
      assertThat(Sql.one(db, "SELECT owner FROM tracksolid.leases WHERE name = 'job.purge'"))
          .as("run under the purge lease")
          .containsEntry("owner", "after-deploy");
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aPurgeWithinTheLastDayMeansNothingWasMissed() {
    DatabaseTarget db = installedAt(INSTALLED);
    MutableClock clock = new MutableClock(INSTALLED);
    TestService.stop(TestService.start(env(db, "first"), clock));
    IngestionLogRows.insert(
        db, "job.purge", "", "job", "ok", Instant.parse("2026-03-11T02:31:00Z"), 0);

    clock.set(Instant.parse("2026-03-11T20:00:00Z")); // 17.5 hours after the last good purge
    // stop() waits for the start-up check, so the count below is its final word.
    TestService.stop(TestService.start(env(db, "second"), clock));
    assertThat(Sql.count(db, PURGES)).isEqualTo(1);
    assertThat(
            Sql.count(
                db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms'"))
        .isEqualTo(3);

    IngestionLogRows.insert(
        db, "job.purge", "", "job", "error", Instant.parse("2026-03-12T02:31:00Z"), 0);

    clock.set(
        Instant.parse("2026-03-12T04:00:00Z")); // 25.5 hours: the failed 02:30 run does not count
    var service = TestService.start(env(db, "third"), clock);
    try {
      Waits.until("the missed purge ran", () -> Sql.count(db, PURGES) == 3);
      assertThat(
              Sql.count(
                  db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms'"))
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  /** A migrated database with three ingestion_log rows past the 90-day retention. */
  private static DatabaseTarget installedAt(Instant at) {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    for (int days : new int[] {100, 120, 150}) {
      IngestionLogRows.insert(
          db, "poll.alarms", "acct-a", "scheduled", "ok", at.minus(Duration.ofDays(days)), 1);
    }
    return db;
  }

  private static Map<String, String> env(DatabaseTarget db, String instance) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("INSTANCE_ID", instance);
    return env;
  }
}
