package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.TracksolidSimulator;
import io.fleet.ingest.support.TestService.Futures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A simulator on a free port plus a client for its demo account, with millisecond retry delays. */
final class SimHarness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final SimulatorServer server;
  final TracksolidSimulator sim;
  final TracksolidAccount account;
  final Clock clock;

  SimHarness(SimulatorOptions options) {
    this.clock = options.clock();
    this.server = Futures.get(SimulatorServer.start(vertx, options), 20);
    this.sim = server.tracksolid();
    this.account =
        new TracksolidAccount(
            options.userId(),
            URI.create(server.tracksolidUrl()),
            options.appKey(),
            options.appSecret(),
            options.userId(),
            Signer.md5Hex(options.password()),
            List.of(options.userId(), options.subAccount()));
  }

  SimHarness() {
    this(SimulatorOptions.defaults(Clock.systemUTC()));
  }

  static TracksolidConfig config(
      int maxInflight, int attempts, int breakerThreshold, Duration requestTimeout) {
    return new TracksolidConfig(
        List.of(),
        maxInflight,
        1000,
        Duration.ofSeconds(5),
        requestTimeout,
        attempts,
        Duration.ofMillis(2),
        Duration.ofMillis(20),
        7200,
        Duration.ofSeconds(60),
        breakerThreshold,
        Duration.ofMillis(200));
  }

  TracksolidClient client(TracksolidConfig config) {
    return new TracksolidClient(vertx, account, config, clock, registry);
  }

  TracksolidClient client() {
    return client(config(2, 6, 50, Duration.ofSeconds(10)));
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    Futures.get(vertx.close(), 20);
  }
}
