package io.fleet.ingest.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.IngestionLogRows;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.Waits;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The daily purge, fired by its own timer with the clock at PURGE_AT. */
class PurgeJobTest {
  static final Instant PURGE_TIME = Instant.parse("2026-03-10T02:30:00Z");

  @Test
  void atPurgeTimeExactlyTheExpiredRowsGoInBatches() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    // ingestion_log keeps 90 days: 7 expired rows, every run kind, and rows at and inside the edge.
    for (int days : new int[] {91, 120, 200, 365, 400, 91, 95}) {
      IngestionLogRows.insert(
          db,
          "poll.alarms",
          "acct-a",
          days % 2 == 0 ? "scheduled" : "backfill",
          "ok",
          PURGE_TIME.minus(Duration.ofDays(days)),
          1);
    }
    IngestionLogRows.insert(
        db,
        "poll.trips",
        "acct-a",
        "scheduled",
        "ok",
        PURGE_TIME.minus(Duration.ofDays(90)).minusMillis(1),
        1); // expired by 1 ms
    IngestionLogRows.insert(
        db,
        "poll.trips",
        "acct-a",
        "scheduled",
        "ok",
        PURGE_TIME.minus(Duration.ofDays(90)),
        1); // kept
    IngestionLogRows.insert(
        db, "poll.trips", "acct-a", "manual", "error", PURGE_TIME.minus(Duration.ofDays(89)), 0);
    IngestionLogRows.insert(
        db, "webhook.push", "", "push", "ok", PURGE_TIME.minus(Duration.ofHours(1)), 3);
    // refresh_log keeps 180 days.
    Sql.exec(
        db,
        "INSERT INTO reporting.refresh_log (object_name, started_at, finished_at, duration_ms, status) VALUES "
            + "('reporting.a', '2025-09-10T00:00Z', '2025-09-10T00:00Z', 1, 'ok'), " // 181 days:
            // expired
            + "('reporting.b', '2025-09-11T02:29Z', '2025-09-11T02:29Z', 1, 'ok'), " // 180 days + 1
            // min: expired
            + "('reporting.c', '2025-09-11T02:31Z', '2025-09-11T02:31Z', 1, 'ok'), " // kept
            + "('reporting.d', '2026-03-09T00:00Z', '2026-03-09T00:00Z', 1, 'error')"); // kept
    List<Object> keptLog =
        ids(
            db,
            "SELECT id FROM tracksolid.ingestion_log "
                + "WHERE finished_at >= timestamptz '2026-03-10T02:30:00Z' - interval '90 days' ORDER BY id");
    assertThat(keptLog).hasSize(3);

    Map<String, String> env = TestService.baseEnv(db);
    env.put("PURGE_BATCH_SIZE", "3");
    env.put("INSTANCE_ID", "purger");
    MutableClock clock = new MutableClock(PURGE_TIME);
    RunningService service = TestService.start(env, clock);
    try {
      Waits.until(
          "the purge logged its run",
          () ->
              Sql.count(
                      db,
                      "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'job.purge'")
                  == 1);

      assertThat(
              ids(
                  db,
                  "SELECT id FROM tracksolid.ingestion_log WHERE stream <> 'job.purge' ORDER BY id"))
          .isEqualTo(keptLog);
      assertThat(
              Sql.rows(
                  db,
                  "SELECT object_name FROM reporting.refresh_log WHERE object_name LIKE 'reporting._' "
                      + "ORDER BY id"))
          .extracting(r -> r.get("object_name"))
          .containsExactly("reporting.c", "reporting.d");

      Map<String, Object> run =
          Sql.one(
              db,
              "SELECT run_kind, account, status, rows_deleted, detail::text AS detail, "
                  + "instance_id, finished_at FROM tracksolid.ingestion_log WHERE stream = 'job.purge'");
      assertThat(run)
          .containsEntry("run_kind", "job")
          .containsEntry("account", "")
          .containsEntry("status", "ok")
          .containsEntry("rows_deleted", 10)
          .containsEntry("instance_id", "purger");
      JsonObject detail = new JsonObject((String) run.get("detail"));
      assertThat(detail.getLong("ingestionLogDeleted")).isEqualTo(8);
      assertThat(detail.getLong("refreshLogDeleted")).isEqualTo(2);
      assertThat(detail.getString("ingestionLogCutoff")).isEqualTo("2025-12-10T02:30:00Z");
      // 8 rows in batches of 3 take 3 statements, 2 rows take 1.
      assertThat(detail.getInteger("batches")).isEqualTo(4);
      assertThat(Sql.one(db, "SELECT owner FROM tracksolid.leases WHERE name = 'job.purge'"))
          .containsEntry("owner", "purger");
    } finally {
      TestService.stop(service);
    }
  }

  private static List<Object> ids(DatabaseTarget db, String sql) {
    return Sql.rows(db, sql).stream().map(r -> r.get("id")).toList();
  }
}
