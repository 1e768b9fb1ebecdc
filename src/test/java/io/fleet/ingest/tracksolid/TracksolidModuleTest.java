package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real service offers the clients to later modules, or an empty set without credentials. */
class TracksolidModuleTest {

  @Test
  void withoutCredentialsTheServiceStartsWithTracksolidOff() {
    DatabaseTarget db = TestDatabases.fresh();
    RunningService service = TestService.start(TestService.baseEnv(db), Clock.systemUTC());
    try {
      TracksolidClients clients = TestService.module(service, TracksolidModule.class).clients();
      assertThat(clients.enabled()).isFalse();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void inDemoModeTheServiceTalksToTheSimulatorAndPublishesVendorMetrics() {
    Vertx simVertx = Vertx.vertx();
    DatabaseTarget db = TestDatabases.fresh();
    RunningService service = null;
    try {
      SimulatorServer sim =
          Futures.get(
              SimulatorServer.start(simVertx, SimulatorOptions.defaults(Clock.systemUTC())), 20);
      Map<String, String> env = DemoEnvironment.overlay(TestService.baseEnv(db), sim);
      // The pollers would call the vendor too; this test counts the client's own calls.
      env.put("POLL_ENABLED", "false");
      service = TestService.start(env, Clock.systemUTC());
      TracksolidClients clients = TestService.module(service, TracksolidModule.class).clients();
      assertThat(clients.enabled()).isTrue();
      TracksolidApi api = clients.account("demo").orElseThrow();
      assertThat(Futures.get(api.devices("demo-sub"), 20)).isNotEmpty();
      String scrape = service.context().registry().scrape();
      assertThat(scrape)
          .contains(
              "tracksolid_vendor_calls_total{account=\"demo\",code=\"0\",method=\"jimi.user.device.list\"} 1.0");
      assertThat(scrape).contains("tracksolid_vendor_circuit_state{account=\"demo\"} 0.0");
      assertThat(scrape).contains("tracksolid_vendor_inflight{account=\"demo\"}");
    } finally {
      TestService.stop(service);
      Futures.get(simVertx.close(), 20);
    }
  }
}
