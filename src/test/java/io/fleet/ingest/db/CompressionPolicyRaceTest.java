package io.fleet.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TimescaleDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A compression policy and a manual compression of the same chunks at once: round after round the
 * policy is started and tracksolid.compress_chunks is called while the policy's worker is at work.
 * A plain compress_chunk fails there with 'chunk ... is already compressed' when the policy gets to
 * a chunk first; the procedure must not fail, and neither may the policy's runs.
 */
@DisplayName(
    "CompressionPolicyRaceTest (runs with TEST_TIMESCALE_URL or Docker; skipped without either)")
class CompressionPolicyRaceTest {
  private static final int ROUNDS = 6;

  @Test
  void aPolicyAndAManualCompressionOfTheSameChunksBothSucceed() throws Exception {
    DatabaseTarget db = TimescaleDatabases.freshOrSkip();
    Migrator.migrate(db, Optional.of(Duration.ofDays(7)), Optional.empty());
    // Thirty daily chunks, all far older than the policy's seven days, and enough rows that a
    // policy run lasts long enough to be caught in the middle.
    Sql.exec(
        db,
        "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, speed_kmh, source) "
            + "SELECT '8681201452336' || lpad((i % 40)::text, 2, '0'),"
            + " timestamptz '2026-01-01' + i * interval '20 seconds', -1.28 + (i % 97) / 1e4,"
            + " 36.81 + (i % 89) / 1e4, i % 120, 'poll' FROM generate_series(1, 129600) i");
    long rows = Sql.count(db, "SELECT count(*) FROM tracksolid.position_history");
    Object job =
        Sql.one(
                db,
                "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'"
                    + " AND hypertable_name = 'position_history'")
            .get("job_id");

    List<String> rounds = new ArrayList<>();
    int overlapped = 0;
    for (int round = 0; round < ROUNDS; round++) {
      // Undo the last round with the policy held back, so each round starts uncompressed.
      Sql.exec(db, "SELECT alter_job(" + job + ", next_start => 'infinity')");
      awaitIdle(db, job);
      Sql.exec(
          db,
          "SELECT decompress_chunk(c, if_compressed => true)"
              + " FROM show_chunks('tracksolid.position_history') c");
      assertThat(compressedChunks(db)).isZero();
      long runsBefore = policyRuns(db, job);

      // The policy starts; the manual compression is asked for while its worker is at work.
      Sql.exec(db, "SELECT alter_job(" + job + ", next_start => now())");
      boolean caught = awaitWorker(db, job);
      overlapped += caught ? 1 : 0;
      CompletableFuture<Void> manual =
          CompletableFuture.runAsync(
              () -> Sql.exec(db, "CALL tracksolid.compress_chunks(interval '7 days')"));
      manual.get(16, TimeUnit.MINUTES);
      awaitIdle(db, job);
      rounds.add(
          "round "
              + round
              + (caught ? ": policy running when called" : ": policy not seen running")
              + ", policy runs "
              + runsBefore
              + " -> "
              + policyRuns(db, job));

      assertThat(compressedChunks(db)).as("round %d", round).isEqualTo(chunks(db));
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.position_history")).isEqualTo(rows);
      // The policy gets its start time back.
      assertThat(
              Sql.one(
                  db,
                  "SELECT next_start <> 'infinity' AND scheduled AS resumed"
                      + " FROM timescaledb_information.jobs WHERE job_id = "
                      + job))
          .as("round %d", round)
          .containsEntry("resumed", true);
    }

    // No run of the policy failed for the race: a run whose chunks were all taken from it ends
    // with 'columnstore policy failure', and one cancelled under it with 57014. (On the CI build,
    // TimescaleDB 2.28.3 on PostgreSQL 15.20, every background procedure job does its work and
    // then ends with SQLSTATE 24000 'cannot drop portal'; that failure is the server's, not the
    // race's, and is left out here.)
    List<Map<String, Object>> raceFailures =
        Sql.rows(
            db,
            "SELECT sqlerrcode, err_message FROM timescaledb_information.job_history WHERE job_id = "
                + job
                + " AND NOT succeeded AND sqlerrcode <> '24000'");
    assertThat(raceFailures).as("%s", rounds).isEmpty();
    assertThat(overlapped).as("rounds that met a running policy: %s", rounds).isPositive();
  }

  @Test
  void onPlainPostgresqlTheProcedureDoesNothingAndRefusesANegativeAge() {
    DatabaseTarget db = io.fleet.ingest.support.TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    Sql.exec(db, "CALL tracksolid.compress_chunks(interval '1 day')");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Sql.exec(db, "CALL tracksolid.compress_chunks(interval '-1 day')"))
        .hasMessageContaining("older_than must be a non-negative interval");
  }

  private static long policyRuns(DatabaseTarget db, Object job) {
    return Sql.count(
        db, "SELECT total_runs FROM timescaledb_information.job_stats WHERE job_id = " + job);
  }

  private static long chunks(DatabaseTarget db) {
    return Sql.count(
        db,
        "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'position_history'");
  }

  private static long compressedChunks(DatabaseTarget db) {
    return Sql.count(
        db,
        "SELECT count(*) FROM timescaledb_information.chunks"
            + " WHERE hypertable_name = 'position_history' AND is_compressed");
  }

  /** Waits (30 s at most) for a worker of the job to be alive; false if none was seen. */
  private static boolean awaitWorker(DatabaseTarget db, Object job) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (workers(db, job) > 0) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return false;
  }

  private static long workers(DatabaseTarget db, Object job) {
    return Sql.count(
        db,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND backend_type <> 'client backend' AND application_name LIKE '%["
            + job
            + "]'");
  }

  /** Waits (one minute at most) until no worker of the job is alive. */
  private static void awaitIdle(DatabaseTarget db, Object job) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (workers(db, job) > 0) {
      assertThat(System.nanoTime())
          .as("job %s still running after a minute", job)
          .isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
