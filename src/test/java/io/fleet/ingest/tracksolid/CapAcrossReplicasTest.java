package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two replicas (two service instances on one database) calling one account at once: the vendor
 * never sees more than TRACKSOLID_MAX_INFLIGHT calls in flight for it, whichever replica sends
 * them.
 */
class CapAcrossReplicasTest {
  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  static final String METHOD = "jimi.user.device.list";
  static final int CALLS_PER_REPLICA = 8;

  @Test
  void twoReplicasTogetherKeepTheAccountsCap() {
    MutableClock clock = new MutableClock(NOW);
    Vertx simVertx = Vertx.vertx();
    RunningService a = null;
    RunningService b = null;
    try {
      SimulatorServer sim =
          Futures.get(SimulatorServer.start(simVertx, SimulatorOptions.defaults(clock)), 20);
      DatabaseTarget db = TestDatabases.fresh();
      a =
          TestService.start(
              env(db, sim, "replica-a"), clock, ctx -> List.of(new TracksolidModule(ctx)));
      b =
          TestService.start(
              env(db, sim, "replica-b"), clock, ctx -> List.of(new TracksolidModule(ctx)));
      // Every answer is slow, so each replica on its own would keep two calls in flight throughout.
      sim.tracksolid()
          .faults()
          .inject(METHOD, Fault.delay(Duration.ofMillis(150)), 2 * CALLS_PER_REPLICA);

      List<Future<JsonObject>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS_PER_REPLICA; i++) {
        calls.add(client(a).call(METHOD, Map.of("target", "demo")));
        calls.add(client(b).call(METHOD, Map.of("target", "demo")));
      }
      List<JsonObject> answers = Futures.get(Future.all(calls).map(c -> c.<JsonObject>list()), 60);

      String appKey = sim.tracksolid().options().appKey();
      assertThat(answers).as("every call was answered").hasSize(2 * CALLS_PER_REPLICA);
      assertThat(sim.tracksolid().calls(METHOD)).isEqualTo(2 * CALLS_PER_REPLICA);
      assertThat(sim.tracksolid().maxConcurrency(appKey))
          .as("calls in flight for the account, both replicas")
          .isEqualTo(2);
      assertThat(
              Sql.rows(
                  db, "SELECT account, slot, holder FROM tracksolid.vendor_slots ORDER BY slot"))
          .as("two slots, both free again")
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.get("holder")).isNull())
          .allSatisfy(r -> assertThat(r.get("account")).isEqualTo("demo"));
    } finally {
      TestService.stop(b);
      TestService.stop(a);
      Futures.get(simVertx.close(), 20);
    }
  }

  private static TracksolidClient client(RunningService service) {
    return TestService.module(service, TracksolidModule.class)
        .clients()
        .account("demo")
        .orElseThrow()
        .client();
  }

  private static Map<String, String> env(DatabaseTarget db, SimulatorServer sim, String instance) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("INSTANCE_ID", instance);
    env.put("TRACKSOLID_MAX_INFLIGHT", "2");
    return DemoEnvironment.overlay(env, sim);
  }
}
