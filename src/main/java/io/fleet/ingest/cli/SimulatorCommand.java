package io.fleet.ingest.cli;

import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.VendorGarbage;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

  @Option(
      names = "--garbage",
      defaultValue = "0",
      description =
          "Share (0..1) of rows served as vendor garbage: each broken one way or served twice"
              + " (default ${DEFAULT-VALUE}: none).")
  double garbage;

  @Option(
      names = "--garbage-seed",
      defaultValue = "42",
      description =
          "Seed of the garbage; the same seed breaks the same rows (default ${DEFAULT-VALUE}).")
  long garbageSeed;

  @Option(
      names = "--garbage-methods",
      defaultValue = "all",
      description =
          "Methods with garbage, comma-separated: all, or alarms, mileage, trips, parking,"
              + " devices, locations, track (default ${DEFAULT-VALUE}).")
  String garbageMethods;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    Instant start =
        clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(Math.max(0, days - 1)));
    SimulatorOptions options =
        SimulatorOptions.defaults(clock)
            .withFleet(seed, devices, days, start)
            .withTokenLifetime(tokenLifetime)
            .withListen(host, port)
            .withGarbage(garbage());
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
    if (garbage > 0) {
      System.out.println(
          "Vendor garbage in "
              + garbage
              + " of the rows of "
              + garbageMethods
              + " (seed "
              + garbageSeed
              + ")");
    }
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

  private VendorGarbage garbage() {
    try {
      VendorGarbage g = VendorGarbage.parse(garbageSeed, garbage, garbageMethods);
      // Share 0 serves no garbage: nothing is broken, so nothing needs recording either.
      return garbage > 0 ? g : VendorGarbage.none();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
