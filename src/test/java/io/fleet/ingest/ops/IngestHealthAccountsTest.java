package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.IngestionLogRows;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which (stream, account) pairs /health/ingest judges: the configured poll accounts, not the log's.
 */
class IngestHealthAccountsTest {
  static final Instant INSTALLED = Instant.parse("2026-03-10T08:00:00Z");
  static final Instant LATER = INSTALLED.plus(Duration.ofDays(2));

  @Test
  void anAccountRemovedFromConfigStopsCountingAtOnce() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(INSTALLED);
    Map<String, String> both = env(db);
    HealthAccounts.configure(both, "acct-a", "acct-b");
    TestService.stop(TestService.start(both, clock, HealthAccounts.OPS_ONLY));
    HealthAccounts.device(db, "860000000000001", "acct-a", true);
    HealthAccounts.device(db, "860000000000002", "acct-b", true);
    // acct-b was polled until it left the config a day ago; a stray account has a recent error.
    for (String s : IngestHealthTest.POLL_STREAMS) {
      IngestionLogRows.insert(
          db, s, "acct-a", "scheduled", "ok", LATER.minus(Duration.ofMinutes(1)), 1);
      IngestionLogRows.insert(
          db, s, "acct-b", "scheduled", "ok", LATER.minus(Duration.ofDays(1)), 1);
    }
    IngestionLogRows.insert(
        db, "poll.alarms", "acct-x", "scheduled", "error", LATER.minus(Duration.ofMinutes(1)), 0);

    clock.set(LATER);
    Map<String, String> onlyA = env(db);
    HealthAccounts.configure(onlyA, "acct-a");
    RunningService service = TestService.start(onlyA, clock, HealthAccounts.OPS_ONLY);
    try {
      Http.Response r = Http.get(service.httpPort(), "/health/ingest");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      Map<String, String> statuses = IngestHealthTest.statuses(r.json());
      IngestHealthTest.POLL_STREAMS.forEach(
          s -> assertThat(statuses).containsEntry(s + "/acct-a", "ok"));
      assertThat(statuses.keySet()).noneMatch(k -> k.endsWith("/acct-b") || k.endsWith("/acct-x"));
      assertThat(
              Sql.rows(
                  db, "SELECT account, active FROM tracksolid.ingest_accounts ORDER BY account"))
          .extracting(m -> m.get("account") + "=" + m.get("active"))
          .containsExactly("acct-a=true", "acct-b=false");
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aWebhookOnlyDeploymentHasNoPollStreamsToFail() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(INSTALLED);
    // No Tracksolid account at all.
    RunningService none = TestService.start(env(db), clock, HealthAccounts.OPS_ONLY);
    try {
      clock.set(LATER);
      Http.Response r = Http.get(none.httpPort(), "/health/ingest");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(IngestHealthTest.statuses(r.json()))
          .hasSize(10)
          .allSatisfy((k, v) -> assertThat(k).startsWith("webhook.").endsWith("/"));
    } finally {
      TestService.stop(none);
    }
    // An account is configured but polling is switched off.
    Map<String, String> off = env(db);
    HealthAccounts.configure(off, "acct-a");
    off.put("POLL_ENABLED", "false");
    RunningService service = TestService.start(off, clock, HealthAccounts.OPS_ONLY);
    try {
      Http.Response r = Http.get(service.httpPort(), "/health/ingest");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(IngestHealthTest.statuses(r.json()).keySet())
          .noneMatch(k -> k.startsWith("poll."));
      assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.ingest_accounts WHERE active"))
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void anAccountWithEveryDeviceDisabledIsIdleButItsDeviceSyncIsStillJudged() {
    DatabaseTarget db = TestDatabases.fresh();
    MutableClock clock = new MutableClock(INSTALLED);
    Map<String, String> env = env(db);
    HealthAccounts.configure(env, "acct-a");
    RunningService service = TestService.start(env, clock, HealthAccounts.OPS_ONLY);
    try {
      HealthAccounts.device(db, "860000000000001", "acct-a", false);
      HealthAccounts.device(db, "860000000000002", "acct-a", false);
      // The pollers last ran before the devices were disabled; since then they skip without a log
      // row.
      for (String s : IngestHealthTest.POLL_STREAMS) {
        IngestionLogRows.insert(
            db, s, "acct-a", "scheduled", "ok", LATER.minus(Duration.ofDays(1)), 1);
      }
      IngestionLogRows.insert(
          db, "poll.devices", "acct-a", "scheduled", "ok", LATER.minus(Duration.ofMinutes(5)), 0);
      clock.set(LATER);
      Http.Response r = Http.get(service.httpPort(), "/health/ingest");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      Map<String, String> statuses = IngestHealthTest.statuses(r.json());
      assertThat(statuses)
          .containsEntry("poll.alarms/acct-a", "idle")
          .containsEntry("poll.trips/acct-a", "idle")
          .containsEntry("poll.parking/acct-a", "idle")
          .containsEntry("poll.positions/acct-a", "idle")
          .containsEntry("poll.devices/acct-a", "ok");

      // The device sync keeps running for such an account, so its silence still fails.
      clock.advance(Duration.ofHours(7));
      Http.Response failing = Http.get(service.httpPort(), "/health/ingest");
      assertThat(failing.status()).isEqualTo(503);
      assertThat(IngestHealthTest.statuses(failing.json()))
          .containsEntry("poll.devices/acct-a", "failing")
          .containsEntry("poll.alarms/acct-a", "idle");

      // One device comes back: its streams are judged again.
      HealthAccounts.device(db, "860000000000001", "acct-a", true);
      assertThat(IngestHealthTest.statuses(Http.get(service.httpPort(), "/health/ingest").json()))
          .containsEntry("poll.alarms/acct-a", "failing");
    } finally {
      TestService.stop(service);
    }
  }

  private static Map<String, String> env(DatabaseTarget db) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("HEALTH_GRACE", "PT30M");
    return env;
  }
}
