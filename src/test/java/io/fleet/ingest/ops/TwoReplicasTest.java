package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.jobs.PurgeJob;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.support.Http;
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

/** Two replicas on one database: each job slot runs once, and health reads the same on both. */
class TwoReplicasTest {
  static final Instant PURGE_TIME = Instant.parse("2026-03-10T02:30:00Z");

  @Test
  void jobsRunOnceAndBothReplicasReportTheSameHealth() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    for (int i = 0; i < 5; i++) {
      IngestionLogRows.insert(
          db,
          "poll.alarms",
          "acct-a",
          "scheduled",
          "ok",
          PURGE_TIME.minus(Duration.ofDays(100 + i)),
          1);
    }
    MutableClock clock = new MutableClock(PURGE_TIME);
    RunningService a = null;
    RunningService b = null;
    try {
      a = TestService.start(env(db, "replica-a"), clock, HealthAccounts.OPS_ONLY);
      b = TestService.start(env(db, "replica-b"), clock, HealthAccounts.OPS_ONLY);
      HealthAccounts.device(db, "860000000000001", "acct-a", true);
      RunningService first = a;
      RunningService second = b;
      // Both replicas' timers fire for the 02:30 slot and for the refresh at start.
      Waits.until(
          "both replicas handled the purge slot",
          () -> slots(first, PurgeJob.STREAM) + slots(second, PurgeJob.STREAM) == 2);
      Waits.until(
          "both replicas handled the first refresh",
          () ->
              slots(first, ReportingRefreshJob.JOB) + slots(second, ReportingRefreshJob.JOB) == 2);

      assertThat(ran(a, PurgeJob.STREAM) + ran(b, PurgeJob.STREAM)).isEqualTo(1);
      assertThat(ran(a, ReportingRefreshJob.JOB) + ran(b, ReportingRefreshJob.JOB)).isEqualTo(1);
      assertThat(
              Sql.count(
                  db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'job.purge'"))
          .isEqualTo(1);
      assertThat(
              Sql.one(
                  db,
                  "SELECT rows_deleted FROM tracksolid.ingestion_log WHERE stream = 'job.purge'"))
          .containsEntry("rows_deleted", 5);
      assertThat(Sql.count(db, "SELECT count(*) FROM reporting.refresh_log")).isEqualTo(1);

      // Health: one replica records a poll, both judge it alike at the same instant.
      clock.set(PURGE_TIME.plus(Duration.ofHours(1)));
      IngestionLogRows.insert(
          db, "poll.alarms", "acct-a", "scheduled", "ok", clock.instant().minusSeconds(30), 4);
      Http.Response ha = Http.get(a.httpPort(), "/health/ingest");
      Http.Response hb = Http.get(b.httpPort(), "/health/ingest");
      assertThat(ha.status()).isEqualTo(hb.status()).isEqualTo(200);
      assertThat(ha.json()).isEqualTo(hb.json());
      assertThat(ha.json().getString("status")).isEqualTo("grace");
      assertThat(IngestHealthTest.statuses(ha.json())).containsEntry("poll.alarms/acct-a", "ok");

      clock.advance(Duration.ofHours(1)); // past grace: the other poll streams never ran
      Http.Response la = Http.get(a.httpPort(), "/health/ingest");
      Http.Response lb = Http.get(b.httpPort(), "/health/ingest");
      assertThat(la.status()).isEqualTo(lb.status()).isEqualTo(503);
      assertThat(la.body()).isEqualTo(lb.body());
    } finally {
      TestService.stop(b);
      TestService.stop(a);
    }
  }

  private static Map<String, String> env(DatabaseTarget db, String instance) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("INSTANCE_ID", instance);
    env.put("HEALTH_GRACE", "PT90M");
    HealthAccounts.configure(env, "acct-a");
    return env;
  }

  private static double slots(RunningService s, String job) {
    return ran(s, job) + count(s, job, "skipped") + count(s, job, "failed");
  }

  private static double ran(RunningService s, String job) {
    return count(s, job, "ran");
  }

  private static double count(RunningService s, String job, String outcome) {
    var counter =
        s.context()
            .registry()
            .find(IngestMetrics.JOB_RUNS)
            .tags("job", job, "outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
