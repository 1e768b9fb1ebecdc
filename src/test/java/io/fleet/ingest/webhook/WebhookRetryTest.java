package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged push waits out an operational database error (no content causes it) instead of
 * being dead-lettered.
 */
class WebhookRetryTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));

  @Test
  void aMissingGrantSpoolsAndRetriesWithoutACapUntilItIsFixed(@TempDir Path dir) throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_SPOOL_DIR", dir.toString());
    env.put("WEBHOOK_SPOOL_REPLAY_INTERVAL", "PT0.1S");
    RunningService service = TestService.start(env, CLOCK);
    try {
      Sql.exec(db, "REVOKE INSERT ON tracksolid.position_history FROM tracksolid_ingest");
      var r =
          Push.form(
              service.httpPort(),
              "/pushgps",
              Push.TOKEN,
              new JsonArray().add(Push.gps("300000000000001", "2024-05-01 09:15:00")));
      assertThat(r.status())
          .as("42501 is not the push's fault: spooled and acknowledged " + r.body())
          .isEqualTo(200);

      // Well past the 20 attempts after which the spool used to give a record up.
      WebhookDurabilityTest.await("30 failed replays", () -> failures(service) >= 30);
      assertThat(WebhookDurabilityTest.spoolDepth(service)).isEqualTo(1);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes"))
          .as("not a dead letter")
          .isZero();
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.position_history")).isZero();

      Sql.exec(db, "GRANT INSERT ON tracksolid.position_history TO tracksolid_ingest");
      WebhookDurabilityTest.await(
          "spool drained", () -> WebhookDurabilityTest.spoolDepth(service) == 0);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.position_history WHERE imei = '300000000000001'"))
          .isEqualTo(1);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes"))
          .as("not a dead letter")
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aSpoolThatCannotBeWrittenAnswers503SpoolUnavailable(@TempDir Path dir) throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    Path spool = dir.resolve("spool");
    env.put("WEBHOOK_SPOOL_DIR", spool.toString());
    RunningService service = TestService.start(env, CLOCK);
    try {
      // No segment is open yet: with a plain file where the directory was, creating one fails (even
      // for root).
      try (var files = java.nio.file.Files.list(spool)) {
        for (Path p : files.toList()) {
          java.nio.file.Files.delete(p);
        }
      }
      java.nio.file.Files.delete(spool);
      java.nio.file.Files.writeString(spool, "not a directory");
      Sql.exec(db, "REVOKE INSERT ON tracksolid.position_history FROM tracksolid_ingest");
      var r =
          Push.form(
              service.httpPort(),
              "/pushgps",
              Push.TOKEN,
              new JsonArray().add(Push.gps("300000000000002", "2024-05-01 09:15:00")));
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.json().getString("error")).isEqualTo("spool_unavailable");
      assertThat(r.headers().firstValue("Retry-After")).contains("30");
    } finally {
      TestService.stop(service);
    }
  }

  private static double failures(RunningService service) {
    Counter c =
        service.context().registry().find(SpoolLane.REPLAY_FAILURES).tag("code", "42501").counter();
    return c == null ? 0 : c.count();
  }
}
