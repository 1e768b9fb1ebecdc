package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable before acknowledged: the database goes away under load and the service restarts. */
class WebhookDurabilityTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));

  static Map<String, String> env(RestartablePostgres pg, Path spool) {
    Map<String, String> env = TestService.baseEnv(pg.target());
    env.put("WEBHOOK_SPOOL_DIR", spool.toString());
    env.put("WEBHOOK_SPOOL_REPLAY_INTERVAL", "PT0.2S");
    return env;
  }

  static double spoolDepth(RunningService s) {
    return s.context().registry().get("tracksolid.spool.depth.requests").gauge().value();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  static JsonArray items(int request, int perRequest) {
    JsonArray items = new JsonArray();
    for (int j = 0; j < perRequest; j++) {
      items.add(
          Push.gps(
              String.valueOf(900_000_000_000_000L + request),
              String.format("2024-05-01 10:%02d:00", j)));
    }
    return items;
  }

  static Set<String> dbKeys(RestartablePostgres pg) {
    return Sql.rows(
            pg.target(),
            "SELECT imei, to_char(gps_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS t "
                + "FROM tracksolid.position_history")
        .stream()
        .map(r -> r.get("imei") + "@" + r.get("t"))
        .collect(Collectors.toSet());
  }

  @Test
  void databaseStoppedMidLoadAndRestartedKeepsEveryAcknowledgedItemExactlyOnce(@TempDir Path dir)
      throws Exception {
    try (RestartablePostgres pg = new RestartablePostgres(dir.resolve("pg"))) {
      Map<String, String> env = env(pg, dir.resolve("spool"));
      RunningService service = TestService.start(env, CLOCK);
      // Every seventh request carries an item PostgreSQL refuses: it must be dead-lettered whole,
      // directly or from the spool, and never block or duplicate the others.
      WebhookDeadLetterTest.refuse(pg.target());
      Set<String> acked = ConcurrentHashMap.newKeySet();
      Set<Integer> ackedRefused = ConcurrentHashMap.newKeySet();
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      AtomicBoolean run = new AtomicBoolean(true);
      int port = service.httpPort();
      Thread pusher =
          new Thread(
              () -> {
                for (int i = 0; run.get(); i++) {
                  JsonArray items = items(i, 5);
                  boolean refused = i % 7 == 3;
                  if (refused) {
                    items.add(
                        Push.gps(
                            WebhookDeadLetterTest.POISON,
                            String.format("2024-05-01 11:%02d:%02d", i / 60 % 60, i % 60)));
                  }
                  Http.Response r = Push.form(port, "/pushgps", Push.TOKEN, items);
                  statuses.add(r.status());
                  if (r.status() == 200 && refused) {
                    ackedRefused.add(i);
                  } else if (r.status() == 200) {
                    items.forEach(
                        o ->
                            acked.add(
                                ((io.vertx.core.json.JsonObject) o).getString("deviceImei")
                                    + "@"
                                    + ((io.vertx.core.json.JsonObject) o).getString("gpsTime")));
                  }
                }
              },
              "pusher");
      pusher.start();
      try {
        await("load before the outage", () -> acked.size() >= 100);
        pg.stop();
        int beforeOutage = acked.size();
        await("acks while the database is down", () -> acked.size() >= beforeOutage + 100);
        assertThat(spoolDepth(service)).as("acknowledged from the spool").isPositive();
        pg.start();
        int afterOutage = acked.size();
        await("load after the restart", () -> acked.size() >= afterOutage + 100);
      } finally {
        run.set(false);
        pusher.join(60_000);
        assertThat(pusher.isAlive()).as("the pusher stopped").isFalse();
      }
      await("spool drained", () -> spoolDepth(service) == 0);
      assertThat(statuses).containsOnly(200);
      Set<String> stored = dbKeys(pg);
      assertThat(stored).containsAll(acked);
      assertThat(Sql.count(pg.target(), "SELECT count(*) FROM tracksolid.position_history"))
          .isEqualTo(stored.size());
      assertThat(acked).hasSize(stored.size());
      // The refused requests, counted apart: each acknowledged one is one dead letter, whole (6
      // items).
      assertThat(ackedRefused).isNotEmpty();
      assertThat(
              Sql.one(
                  pg.target(),
                  "SELECT count(*) AS letters, count(DISTINCT request_id) AS ids, "
                      + "sum(items) AS items FROM tracksolid.rejected_pushes"))
          .containsEntry("letters", (long) ackedRefused.size())
          .containsEntry("ids", (long) ackedRefused.size())
          .containsEntry("items", (long) ackedRefused.size() * 6);

      // Down again, then the service itself restarts: the spool on disk is replayed at startup.
      pg.stop();
      Set<String> spooled = new HashSet<>();
      for (int i = 100_000; i < 100_010; i++) {
        JsonArray items = items(i, 3);
        assertThat(Push.json(port, "/pushgps", Push.TOKEN, items).status()).isEqualTo(200);
        items.forEach(
            o ->
                spooled.add(
                    ((io.vertx.core.json.JsonObject) o).getString("deviceImei")
                        + "@"
                        + ((io.vertx.core.json.JsonObject) o).getString("gpsTime")));
      }
      assertThat(spoolDepth(service)).isEqualTo(10);
      TestService.stop(service);
      pg.start();
      RunningService restarted = TestService.start(env, CLOCK);
      try {
        await("spool replayed after restart", () -> spoolDepth(restarted) == 0);
        assertThat(dbKeys(pg)).containsAll(spooled).hasSize(stored.size() + spooled.size());
        assertThat(Sql.count(pg.target(), "SELECT count(*) FROM tracksolid.rejected_pushes"))
            .isEqualTo(ackedRefused.size());
        try (var files = Files.list(dir.resolve("spool"))) {
          assertThat(files.map(p -> p.getFileName().toString()))
              .noneMatch(
                  n ->
                      n.startsWith("spool-")
                          && n.endsWith(".log")
                          && sizeOf(dir.resolve("spool").resolve(n)) > 0);
        }
        assertThat(
                Sql.count(
                    pg.target(),
                    "SELECT count(*) FROM tracksolid.ingestion_log "
                        + "WHERE stream = 'webhook.pushgps' AND run_kind = 'push'"))
            .isGreaterThanOrEqualTo(10);
      } finally {
        TestService.stop(restarted);
      }
    }
  }

  @Test
  void aFullSpoolAnswers503WithRetryAfter(@TempDir Path dir) throws Exception {
    try (RestartablePostgres pg = new RestartablePostgres(dir.resolve("pg"))) {
      Map<String, String> env = env(pg, dir.resolve("spool"));
      env.put("WEBHOOK_SPOOL_MAX_BYTES", "2048");
      env.put("WEBHOOK_MAX_BODY_BYTES", "1024");
      RunningService service = TestService.start(env, CLOCK);
      try {
        pg.stop();
        Http.Response last = null;
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
          last = Push.form(service.httpPort(), "/pushgps", Push.TOKEN, items(i, 2));
          if (last.status() != 200) {
            break;
          }
          accepted++;
        }
        assertThat(accepted).isPositive();
        assertThat(last.status()).isEqualTo(503);
        assertThat(last.headers().firstValue("Retry-After")).contains("30");
        assertThat(last.json().getString("error")).isEqualTo("spool_full");
        assertThat(last.json().getString("message")).contains("spool is full");
        assertThat(spoolDepth(service)).isEqualTo(accepted);
        pg.start();
        int expected = accepted * 2;
        await("replay", () -> spoolDepth(service) == 0);
        assertThat(Sql.count(pg.target(), "SELECT count(*) FROM tracksolid.position_history"))
            .isEqualTo(expected);
      } finally {
        TestService.stop(service);
      }
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
