package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.cli.WebhookQueueCommand;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request PostgreSQL refuses for its own content goes whole to tracksolid.rejected_pushes, is
 * answered as accepted and blocks nothing; direct or from the spool. The operator lists and replays
 * it after a fix, exactly once. A spool never replays into another database.
 */
class WebhookDeadLetterTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));

  /** Refused by a CHECK constraint the test adds: a refusal no guard of the service foresees. */
  static final String POISON = "399999999999999";

  static void refuse(DatabaseTarget db) {
    Sql.exec(
        db,
        "ALTER TABLE tracksolid.position_history ADD CONSTRAINT test_poison CHECK (imei <> '"
            + POISON
            + "')");
  }

  static long positions(DatabaseTarget db, String imei) {
    return Sql.count(
        db, "SELECT count(*) FROM tracksolid.position_history WHERE imei = '" + imei + "'");
  }

  static double deadLetteredItems(RunningService service) {
    return service
        .context()
        .registry()
        .get("tracksolid.webhook.items")
        .tag("path", "pushgps")
        .tag("outcome", "dead_lettered")
        .counter()
        .count();
  }

  @Test
  void aRefusedRequestIsDeadLetteredAcknowledgedAndReplayedOnceAfterTheFix(@TempDir Path dir)
      throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_SPOOL_DIR", dir.resolve("spool").toString());
    env.put("WEBHOOK_SPOOL_REPLAY_INTERVAL", "PT0.1S");
    RunningService service = TestService.start(env, CLOCK);
    try {
      int port = service.httpPort();
      assertThat(deadLetteredItems(service)).as("exported at zero").isZero();
      refuse(db);
      Http.Response bad =
          Push.form(
              port,
              "/pushgps",
              Push.TOKEN,
              new JsonArray()
                  .add(Push.gps(POISON, "2024-05-01 10:00:00"))
                  .add(Push.gps("310000000000001", "2024-05-01 10:00:00")));
      assertThat(bad.status()).as(bad.body()).isEqualTo(200);
      Http.Response good =
          Push.form(
              port,
              "/pushgps",
              Push.TOKEN,
              new JsonArray().add(Push.gps("310000000000002", "2024-05-01 10:00:00")));
      assertThat(good.status()).isEqualTo(200);
      // Kept whole, not spooled: the good item of the refused request waits with it.
      assertThat(positions(db, "310000000000002")).isEqualTo(1);
      assertThat(positions(db, "310000000000001")).isZero();
      assertThat(WebhookDurabilityTest.spoolDepth(service)).isZero();
      Map<String, Object> letter =
          Sql.one(
              db,
              "SELECT path, sqlstate, items, body::text AS body, message "
                  + "FROM tracksolid.rejected_pushes");
      assertThat(letter)
          .containsEntry("path", "pushgps")
          .containsEntry("sqlstate", "23514")
          .containsEntry("items", 2);
      assertThat((String) letter.get("body")).contains(POISON).doesNotContain(Push.TOKEN);
      assertThat((String) letter.get("message")).contains("test_poison");
      assertThat(deadLetteredItems(service)).isEqualTo(2);
      JsonObject health = Http.get(port, "/health").json();
      assertThat(health.getString("status")).isEqualTo("UP");
      assertThat(health.getJsonObject("webhook").getLong("deadLetters")).isEqualTo(1);

      // From the spool: the database refuses writes (a missing grant), then takes them again.
      Sql.exec(db, "REVOKE INSERT ON tracksolid.position_history FROM tracksolid_ingest");
      assertThat(
              Push.json(
                      port,
                      "/pushgps",
                      Push.TOKEN,
                      new JsonArray().add(Push.gps(POISON, "2024-05-01 11:00:00")))
                  .status())
          .isEqualTo(200);
      assertThat(
              Push.json(
                      port,
                      "/pushgps",
                      Push.TOKEN,
                      new JsonArray().add(Push.gps("310000000000003", "2024-05-01 11:00:00")))
                  .status())
          .isEqualTo(200);
      assertThat(WebhookDurabilityTest.spoolDepth(service)).isEqualTo(2);
      Sql.exec(db, "GRANT INSERT ON tracksolid.position_history TO tracksolid_ingest");
      WebhookDurabilityTest.await(
          "spool drained past the refused record",
          () -> WebhookDurabilityTest.spoolDepth(service) == 0);
      assertThat(positions(db, "310000000000003")).isEqualTo(1);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes")).isEqualTo(2);
      assertThat(Http.get(port, "/health").json().getJsonObject("webhook").getLong("deadLetters"))
          .isEqualTo(2);

      // The operator lists, fixes the cause and replays: each dead letter is stored once and
      // removed.
      ByteArrayOutputStream listed = new ByteArrayOutputStream();
      assertThat(
              new WebhookQueueCommand.ListCommand()
                  .run(env, new PrintStream(listed, true, StandardCharsets.UTF_8)))
          .isZero();
      assertThat(listed.toString(StandardCharsets.UTF_8))
          .contains("0 request(s) waiting")
          .contains("dead letters (tracksolid.rejected_pushes): 2 shown")
          .contains("SQLSTATE 23514");
      ByteArrayOutputStream still = new ByteArrayOutputStream();
      assertThat(
              new WebhookQueueCommand.ReplayCommand()
                  .run(env, new PrintStream(still, true, StandardCharsets.UTF_8)))
          .as("still refused before the fix")
          .isEqualTo(1);
      assertThat(still.toString(StandardCharsets.UTF_8))
          .contains("still refused (SQLSTATE 23514), kept");
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes")).isEqualTo(2);

      Sql.exec(db, "ALTER TABLE tracksolid.position_history DROP CONSTRAINT test_poison");
      ByteArrayOutputStream replayed = new ByteArrayOutputStream();
      assertThat(
              new WebhookQueueCommand.ReplayCommand()
                  .run(env, new PrintStream(replayed, true, StandardCharsets.UTF_8)))
          .isZero();
      assertThat(replayed.toString(StandardCharsets.UTF_8))
          .contains("replayed 2 of 2 dead letter(s)");
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes")).isZero();
      assertThat(positions(db, POISON)).isEqualTo(2);
      assertThat(positions(db, "310000000000001")).isEqualTo(1);
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      assertThat(
              new WebhookQueueCommand.ReplayCommand()
                  .run(env, new PrintStream(again, true, StandardCharsets.UTF_8)))
          .isZero();
      assertThat(again.toString(StandardCharsets.UTF_8)).contains("replayed 0 of 0");
      assertThat(positions(db, POISON)).isEqualTo(2);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aSpoolLeftForAnotherDatabaseIsNotReplayedHere(@TempDir Path dir) throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Path spoolDir = dir.resolve("spool");
    Files.createDirectories(spoolDir);
    Spool spool = new Spool(spoolDir, 1 << 20);
    spool.open();
    spool.append(
        new PushRequest(
                "pushgps",
                "pushgps",
                new JsonArray().add(Push.gps("320000000000001", "2024-05-01 10:00:00")),
                Instant.parse("2024-05-01T10:00:01Z"))
            .toJson());
    spool.close();
    Files.writeString(
        spoolDir.resolve(SpoolIdentity.FILE),
        new JsonObject().put("systemIdentifier", "1").put("database", "elsewhere").encode());
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_SPOOL_DIR", spoolDir.toString());
    assertThatThrownBy(() -> TestService.start(env, CLOCK))
        .hasMessageContaining("WEBHOOK_SPOOL_DIR")
        .hasMessageContaining("'elsewhere'")
        .hasMessageContaining("not replayed into the wrong database");
    assertThat(positions(db, "320000000000001")).isZero();
    assertThat(Spool.segments(spoolDir)).hasSize(1);
  }
}
