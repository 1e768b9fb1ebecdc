package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Group commit on a real PostgreSQL: concurrent pushes share transactions, each is acknowledged
 * only once its items are visible to another connection, a refused request among good ones is
 * isolated without failing them, and a full queue answers 503 without losing anything accepted.
 */
class WebhookGroupCommitTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));

  static long xactCommit(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static double queued(RunningService service) {
    return service.context().registry().get(GroupCommitter.QUEUE_ITEMS).gauge().value();
  }

  @Test
  void concurrentPushesShareTransactionsAndAreAcknowledgedOnlyWhenVisible() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    RunningService service = TestService.start(TestService.baseEnv(db), CLOCK);
    int threads = 32;
    int perThread = 8;
    int requests = threads * perThread;
    try (Connection stats = Sql.connect(db);
        Connection checker = Sql.connect(db)) {
      int port = service.httpPort();
      // Every visibility check runs in ONE read-committed transaction: each statement sees what was
      // committed before it, and all of them add a single transaction to the count.
      checker.setAutoCommit(false);
      checker.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      PreparedStatement visible =
          checker.prepareStatement(
              "SELECT count(*) FROM tracksolid.position_history WHERE imei = ?");
      long before = xactCommit(stats);
      int reads = 1;
      AtomicInteger notVisible = new AtomicInteger();
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          senders.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      String imei = String.valueOf(340_000_000_000_000L + thread * 1000L + i);
                      Http.Response r =
                          Push.json(
                              port,
                              "/pushgps",
                              Push.TOKEN,
                              new JsonArray()
                                  .add(Push.gps(imei, "2024-05-01 10:00:00"))
                                  .add(Push.gps(imei, "2024-05-01 10:00:30")));
                      statuses.add(r.status());
                      synchronized (checker) {
                        visible.setString(1, imei);
                        try (ResultSet rs = visible.executeQuery()) {
                          rs.next();
                          if (rs.getLong(1) != 2) {
                            notVisible.incrementAndGet();
                          }
                        }
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : senders) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      checker.commit();
      assertThat(statuses).hasSize(requests).containsOnly(200);
      assertThat(notVisible.get()).as("acknowledged before its items were visible").isZero();
      long commits =
          Sql.count(
              db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'webhook.pushgps'");
      assertThat(
              Sql.count(
                  db,
                  "SELECT coalesce(sum((detail->>'requests')::int), 0) FROM tracksolid.ingestion_log "
                      + "WHERE stream = 'webhook.pushgps'"))
          .as("every request in exactly one commit")
          .isEqualTo(requests);
      assertThat(commits).as("commits holding the requests").isLessThan(requests);
      // Backends publish their counters lazily: wait until at least the commits are counted.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long delta;
      do {
        Thread.sleep(500);
        delta = xactCommit(stats) - before;
        reads++;
      } while (delta - reads - 1 < commits && System.nanoTime() < deadline);
      // What this test itself committed (its reads, the checker) is not the service's.
      long serviceTransactions = delta - reads - 1;
      assertThat(serviceTransactions).isGreaterThanOrEqualTo(commits).isLessThan(requests);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.position_history"))
          .isEqualTo(2L * requests);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void oneRefusedRequestAmongFiftyGoodOnesIsDeadLetteredAndTheFiftyAreStored() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    RunningService service = TestService.start(TestService.baseEnv(db), CLOCK);
    WebhookDeadLetterTest.refuse(db);
    ExecutorService pool = Executors.newFixedThreadPool(51);
    try (Connection lock = Sql.connect(db)) {
      int port = service.httpPort();
      // Holding the table makes the first commits wait, so the other requests queue up as one
      // group.
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.execute("LOCK TABLE tracksolid.position_history IN SHARE ROW EXCLUSIVE MODE");
      }
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 51; i++) {
        String imei =
            i == 25 ? WebhookDeadLetterTest.POISON : String.valueOf(350_000_000_000_000L + i);
        answers.add(
            pool.submit(
                () ->
                    Push.form(
                        port,
                        "/pushgps",
                        Push.TOKEN,
                        new JsonArray().add(Push.gps(imei, "2024-05-01 10:00:00")))));
      }
      WebhookDurabilityTest.await(
          "the requests queued behind the held table", () -> queued(service) >= 45);
      lock.commit();
      for (Future<Http.Response> a : answers) {
        Http.Response r = a.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      assertThat(
              Sql.count(
                  db, "SELECT count(*) FROM tracksolid.position_history WHERE imei LIKE '35%'"))
          .isEqualTo(50);
      assertThat(Sql.rows(db, "SELECT path, sqlstate, items FROM tracksolid.rejected_pushes"))
          .containsExactly(Map.of("path", "pushgps", "sqlstate", "23514", "items", 1));
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'webhook.pushgps'"))
          .as("grouped")
          .isLessThan(50);
      assertThat(
              Sql.count(
                  db,
                  "SELECT sum((detail->>'requests')::int) FROM tracksolid.ingestion_log "
                      + "WHERE stream = 'webhook.pushgps'"))
          .as("each good request committed once")
          .isEqualTo(50);
    } finally {
      pool.shutdownNow();
      TestService.stop(service);
    }
  }

  @Test
  void duplicatesAcrossTheRequestsOfOneCommitAreOneRowWithExactCounts() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_COMMITS_IN_FLIGHT", "1");
    RunningService service = TestService.start(env, CLOCK);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try (Connection lock = Sql.connect(db)) {
      int port = service.httpPort();
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.execute("LOCK TABLE tracksolid.position_history IN SHARE ROW EXCLUSIVE MODE");
      }
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String own = String.valueOf(370_000_000_000_100L + i);
        // Every request repeats the same two fixes (a re-delivery) and brings one of its own.
        answers.add(
            pool.submit(
                () ->
                    Push.json(
                        port,
                        "/pushgps",
                        Push.TOKEN,
                        new JsonArray()
                            .add(Push.gps("370000000000001", "2024-05-01 10:00:00"))
                            .add(Push.gps("370000000000001", "2024-05-01 10:00:30"))
                            .add(Push.gps(own, "2024-05-01 10:00:00")))));
      }
      WebhookDurabilityTest.await("the requests queued", () -> queued(service) >= 27);
      lock.commit();
      for (Future<Http.Response> a : answers) {
        assertThat(a.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.position_history")).isEqualTo(12);
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.rejected_pushes")).isZero();
      // At most the first request alone, then one commit for the nine queued behind it.
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'webhook.pushgps'"))
          .isLessThanOrEqualTo(2);
      assertThat(
              Sql.one(
                  db,
                  "SELECT sum(rows_fetched) AS fetched, sum(rows_inserted) AS inserted, "
                      + "sum(rows_updated) AS updated, sum((detail->>'requests')::int) AS requests FROM tracksolid.ingestion_log "
                      + "WHERE stream = 'webhook.pushgps'"))
          .containsEntry("fetched", 30L)
          .containsEntry("inserted", 12L)
          .containsEntry("updated", 0L)
          .containsEntry("requests", 10L);
    } finally {
      pool.shutdownNow();
      TestService.stop(service);
    }
  }

  @Test
  void aFullQueueAnswers503WithRetryAfterAndLosesNothingAccepted() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = TestService.baseEnv(db);
    env.put("WEBHOOK_QUEUE_MAX_ITEMS", "10");
    env.put("WEBHOOK_COMMITS_IN_FLIGHT", "1");
    RunningService service = TestService.start(env, CLOCK);
    ExecutorService pool = Executors.newFixedThreadPool(30);
    try (Connection lock = Sql.connect(db)) {
      int port = service.httpPort();
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.execute("LOCK TABLE tracksolid.position_history IN SHARE ROW EXCLUSIVE MODE");
      }
      List<String> imeis = new ArrayList<>();
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        String imei = String.valueOf(360_000_000_000_000L + i);
        imeis.add(imei);
        answers.add(
            pool.submit(
                () ->
                    Push.json(
                        port,
                        "/pushgps",
                        Push.TOKEN,
                        new JsonArray().add(Push.gps(imei, "2024-05-01 10:00:00")))));
      }
      List<Http.Response> refused = new CopyOnWriteArrayList<>();
      WebhookDurabilityTest.await(
          "the queue full", () -> answers.stream().filter(Future::isDone).count() >= 19);
      lock.commit();
      List<String> acked = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Http.Response r = answers.get(i).get(60, TimeUnit.SECONDS);
        if (r.status() == 200) {
          acked.add(imeis.get(i));
        } else {
          refused.add(r);
        }
      }
      assertThat(refused)
          .isNotEmpty()
          .allSatisfy(
              r -> {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.json().getString("error")).isEqualTo("busy");
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
              });
      assertThat(acked).hasSize(30 - refused.size()).isNotEmpty();
      List<String> stored =
          Sql.rows(db, "SELECT imei FROM tracksolid.position_history ORDER BY imei").stream()
              .map(r -> (String) r.get("imei"))
              .toList();
      assertThat(stored).containsExactlyInAnyOrderElementsOf(acked);
    } finally {
      pool.shutdownNow();
      TestService.stop(service);
    }
  }
}
