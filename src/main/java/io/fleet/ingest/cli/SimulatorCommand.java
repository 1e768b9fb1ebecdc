package io.fleet.ingest.cli;

import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the Tracksolid stand-in on its own, for benchmarks and trying the API by hand. */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    description = "Run the Tracksolid OpenAPI simulator standalone until interrupted.")
public final class SimulatorCommand implements Callable<Integer> {
  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8090",
      description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Fleet seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--devices",
      defaultValue = "10",
      description = "Devices in the fleet (default ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--days",
      defaultValue = "3",
      description = "Days of history, ending one day from now (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--token-lifetime",
      defaultValue = "PT2H",
      description = "Longest token lifetime (default ${DEFAULT-VALUE}).")
  Duration tokenLifetime;

  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    Instant start =
        clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(Math.max(0, days - 1)));
    SimulatorOptions options =
        SimulatorOptions.defaults(clock)
            .withFleet(seed, devices, days, start)
            .withTokenLifetime(tokenLifetime)
            .withListen(host, port);
    Vertx vertx = Vertx.vertx();
    SimulatorServer server = SimulatorServer.start(vertx, options).await();
    System.out.println("Tracksolid simulator at " + server.tracksolidUrl());
    System.out.println(
        "TRACKSOLID_APP_KEY="
            + options.appKey()
            + " TRACKSOLID_APP_SECRET="
            + options.appSecret()
            + " TRACKSOLID_USER_ID="
            + options.userId()
            + " TRACKSOLID_PASSWORD="
            + options.password()
            + " TRACKSOLID_TARGETS="
            + options.userId()
            + ","
            + options.subAccount());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx.close().onComplete(ar -> stopped.countDown());
                  try {
                    stopped.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "simulator-shutdown"));
    stopped.await();
    return 0;
  }
}
