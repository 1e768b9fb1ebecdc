package io.fleet.ingest.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.ops.OpsModule;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TimescaleDatabases;
import io.fleet.ingest.webhook.WebhookModule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The service on a real TimescaleDB (TEST_TIMESCALE_URL, else the pinned image through
 * Testcontainers; skipped with one printed line where neither exists), with every TimescaleDB
 * default: hypertables, compression policies whose jobs run, retention when configured, and polls
 * and pushes that land in compressed chunks and are counted exactly.
 */
@DisplayName("TimescaleDbTest (runs with TEST_TIMESCALE_URL or Docker; skipped without either)")
class TimescaleDbTest {
  private static final int FLEET = 2;
  private static final List<String> HYPERTABLES =
      List.of("alarms", "parking", "position_history", "trips");

  @Test
  void runsWithDefaultsAndWritesIntoCompressedChunks() throws Exception {
    DatabaseTarget db = TimescaleDatabases.freshOrSkip();
    // The fleet's history lies in January 2026, so against the server's own clock every chunk is
    // older than the compression age: the policies compress what the first polls stored.
    MutableClock clock = new MutableClock(FakeFleet.ORIGIN.plus(Duration.ofDays(3)));
    FakeFleet fleet = FakeFleet.of("acme", FLEET, clock);
    Instant from = clock.instant().minus(PollFixture.LOOKBACK);
    Map<String, String> env = PollFixture.env(db, "ts");
    RunningService service = start(env, clock, fleet);
    try {
      PollFixture.awaitCaughtUp(db, "acme", clock, FLEET);
      PollFixture.assertExact(db, fleet, from, clock);
      assertThat(Http.get(service.httpPort(), "/health/ingest").status()).isEqualTo(200);

      assertThat(
              Sql.rows(
                      db,
                      "SELECT hypertable_name FROM timescaledb_information.hypertables"
                          + " WHERE hypertable_schema = 'tracksolid' ORDER BY 1")
                  .stream()
                  .map(r -> r.get("hypertable_name")))
          .containsExactlyElementsOf(HYPERTABLES);
      List<Map<String, Object>> compression =
          Sql.rows(
              db,
              "SELECT job_id, hypertable_name,"
                  + " (config ->> 'compress_after')::interval = interval '10 days' AS ten_days, owner"
                  + " FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'"
                  + " AND hypertable_schema = 'tracksolid' ORDER BY hypertable_name");
      assertThat(compression)
          .extracting(r -> r.get("hypertable_name"))
          .containsExactlyElementsOf(HYPERTABLES);
      assertThat(compression).allSatisfy(r -> assertThat(r.get("ten_days")).isEqualTo(true));
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'"))
          .isZero();
      // The job owner may log in (policy jobs need it) but has no password to log in with.
      assertThat(
              Sql.one(
                  db,
                  "SELECT rolcanlogin, rolpassword IS NULL AS no_password FROM pg_authid"
                      + " WHERE rolname = 'tracksolid_owner'"))
          .containsEntry("rolcanlogin", true)
          .containsEntry("no_password", true);

      // The policies were added at start and may be running now: compress through the procedure
      // that waits for them (a plain compress_chunk or run_job would race them).
      Sql.exec(db, "CALL tracksolid.compress_chunks(interval '10 days')");
      for (String table : HYPERTABLES) {
        assertThat(
                Sql.count(
                    db,
                    "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema ="
                        + " 'tracksolid' AND hypertable_name = '"
                        + table
                        + "' AND is_compressed"))
            .as(table)
            .isPositive();
      }

      // A poll whose overlap re-reads stored rows and adds new ones, all in compressed chunks.
      clock.advance(Duration.ofDays(1));
      PollFixture.awaitCaughtUp(db, "acme", clock, FLEET);
      PollFixture.assertExact(db, fleet, from, clock);
      for (String stream : List.of("trips", "parking", "alarms")) {
        long stored = Sql.count(db, "SELECT count(*) FROM tracksolid." + stream);
        long inserted =
            Sql.count(
                db,
                "SELECT COALESCE(sum(rows_inserted), 0) FROM tracksolid.ingestion_log"
                    + " WHERE stream = 'poll."
                    + stream
                    + "' AND status = 'ok'");
        assertThat(inserted).as("rows counted as inserted into " + stream).isEqualTo(stored);
      }

      // A push of one stored position and one new one, both in a compressed chunk.
      Sql.exec(db, "CALL tracksolid.compress_chunks(interval '10 days')");
      Map<String, Object> stored =
          Sql.rows(
                  db,
                  "SELECT imei, gps_time FROM tracksolid.position_history"
                      + " ORDER BY gps_time LIMIT 1")
              .get(0);
      String imei = (String) stored.get("imei");
      Instant storedAt = PollFixture.instant(stored.get("gps_time"));
      long positions = Sql.count(db, "SELECT count(*) FROM tracksolid.position_history");
      JsonArray items =
          new JsonArray().add(gps(imei, storedAt)).add(gps(imei, storedAt.plusSeconds(7)));
      Http.Response response =
          Http.post(
              service.httpPort(),
              "/pushgps",
              "application/x-www-form-urlencoded",
              "token="
                  + TestService.WEBHOOK_TOKEN
                  + "&data_list="
                  + URLEncoder.encode(items.encode(), StandardCharsets.UTF_8));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.position_history"))
          .isEqualTo(positions + 1);
      assertThat(
              Sql.one(
                  db,
                  "SELECT rows_fetched, rows_inserted FROM tracksolid.ingestion_log"
                      + " WHERE stream = 'webhook.pushgps' ORDER BY id DESC LIMIT 1"))
          .containsEntry("rows_fetched", 2)
          .containsEntry("rows_inserted", 1);
      assertThat(Http.get(service.httpPort(), "/health/ingest").status()).isEqualTo(200);
    } finally {
      TestService.stop(service);
    }

    // TIMESCALE_RETENTION adds retention policies; the compression policies are left as they were.
    List<Object> compressionJobs = jobIds(db, "policy_compression");
    env.put("TIMESCALE_RETENTION", "P3650D");
    RunningService again = start(env, clock, fleet);
    try {
      List<Object> retentionJobs = jobIds(db, "policy_retention");
      assertThat(retentionJobs).hasSize(4);
      assertThat(jobIds(db, "policy_compression")).isEqualTo(compressionJobs);
      long trips = Sql.count(db, "SELECT count(*) FROM tracksolid.trips");
      for (Object job : retentionJobs) {
        Sql.exec(db, "CALL run_job(" + job + ")");
      }
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.trips")).isEqualTo(trips);
      assertThat(Http.get(again.httpPort(), "/health/ingest").status()).isEqualTo(200);
    } finally {
      TestService.stop(again);
    }
    // Other settings replace the policies instead of stacking them; no setting removes them.
    Migrator.migrate(db, Optional.of(Duration.ofDays(20)), Optional.of(Duration.ofDays(30)));
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'tracksolid'"
                    + " AND proc_name = 'policy_compression' AND (config ->> 'compress_after')::interval = interval '20 days'"))
        .isEqualTo(4);
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'tracksolid'"
                    + " AND proc_name = 'policy_retention' AND (config ->> 'drop_after')::interval = interval '30 days'"))
        .isEqualTo(4);
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'tracksolid'"
                    + " AND proc_name IN ('policy_compression', 'policy_retention')"))
        .isZero();

    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      st.execute("SET ROLE tracksolid_ingest");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> st.execute("DELETE FROM tracksolid.trips"))
          .isInstanceOf(java.sql.SQLException.class)
          .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState()).isEqualTo("42501"));
    }
  }

  private static RunningService start(
      Map<String, String> env, MutableClock clock, FakeFleet fleet) {
    return TestService.start(
        env,
        clock,
        ctx -> {
          var metrics = new io.fleet.ingest.ops.IngestMetrics(ctx.registry());
          return List.of(
              new OpsModule(ctx, metrics),
              new io.fleet.ingest.jobs.JobsModule(ctx, metrics),
              new WebhookModule(ctx, metrics),
              new PollModule(ctx, List.of(fleet), java.util.Optional.empty(), metrics));
        });
  }

  private static List<Object> jobIds(DatabaseTarget db, String proc) {
    return Sql.rows(
            db,
            "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = '"
                + proc
                + "' AND hypertable_schema = 'tracksolid' ORDER BY job_id")
        .stream()
        .map(r -> r.get("job_id"))
        .toList();
  }

  private static JsonObject gps(String imei, Instant at) {
    String time =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(at);
    return new JsonObject()
        .put("deviceImei", imei)
        .put("gpsTime", time)
        .put("gateTime", time)
        .put("lat", -1.2864)
        .put("lng", "36.8172")
        .put("gpsSpeed", "42")
        .put("direction", 180)
        .put("satelliteNum", "11")
        .put("acc", 1);
  }
}
