package io.fleet.ingest.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.tracksolid.TracksolidApi;
import io.fleet.ingest.tracksolid.TracksolidClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * --demo's overlay turns an empty environment into a working Tracksolid account on the simulator.
 */
class DemoEnvironmentTest {

  @Test
  void overlayPointsTheClientAtTheSimulatorButKeepsWhatTheOperatorSet() {
    Vertx vertx = Vertx.vertx();
    try {
      SimulatorServer server =
          Futures.get(
              SimulatorServer.start(vertx, SimulatorOptions.defaults(Clock.systemUTC())), 20);
      AppConfig config = AppConfig.load(DemoEnvironment.overlay(Map.of(), server), true);
      assertThat(config.tracksolid().enabled()).isTrue();
      assertThat(config.database().embedded()).isTrue();
      var account = config.tracksolid().account("").orElseThrow();
      assertThat(account.targets()).containsExactly("demo", "demo-sub");
      TracksolidApi api =
          new TracksolidApi(
              new TracksolidClient(
                  vertx,
                  account,
                  config.tracksolid(),
                  Clock.systemUTC(),
                  new SimpleMeterRegistry()));
      assertThat(Futures.get(api.devices("demo"), 20)).isNotEmpty();
      assertThat(config.geocode().url().toString()).isEqualTo(server.baseUrl());
      assertThat(config.geocode().publicHostProblem()).isEmpty();

      Map<String, String> own =
          DemoEnvironment.overlay(
              Map.of("TRACKSOLID_USER_ID", "mine", "DATABASE_URL", "postgresql://x@localhost/db"),
              server);
      assertThat(own)
          .containsEntry("TRACKSOLID_USER_ID", "mine")
          .containsEntry("DATABASE_URL", "postgresql://x@localhost/db");
    } finally {
      Futures.get(vertx.close(), 20);
    }
  }
}
