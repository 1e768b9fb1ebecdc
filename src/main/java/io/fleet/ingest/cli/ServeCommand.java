package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.vertx.core.Vertx;
import io.fleet.ingest.config.ConfigSummary;
import io.fleet.ingest.config.BuildInfo;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the service until SIGTERM or SIGINT, then stops gracefully and exits 0. */
@Command(name = "tracksolid-ingest", mixinStandardHelpOptions = true, versionProvider = ServeCommand.Version.class,
    description = "Keeps Tracksolid Pro fleet telemetry flowing into PostgreSQL/TimescaleDB.",
    subcommands = {MigrateCommand.class, SimulatorCommand.class, BenchWebhookCommand.class, BackfillCommand.class, BenchPollCommand.class,
        BackupCommand.class, RestoreCommand.class, BenchRollupsCommand.class})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--demo", description = "Run against the built-in Tracksolid and Nominatim simulator.")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    // Demo mode: the simulator listens before the config is read, so its URL and credentials fill in.
    boolean demoMode = demo || Boolean.TRUE.equals(new ConfigSource(env).get(AppConfig.DEMO_MODE));
    Vertx simulatorVertx = null;
    if (demoMode) {
      simulatorVertx = Vertx.vertx();
      SimulatorServer simulator = SimulatorServer.start(simulatorVertx,
          SimulatorOptions.defaults(Clock.systemUTC()), List.of(new NominatimSimulator()::mount)).await();
      env = new java.util.HashMap<>(DemoEnvironment.overlay(env, simulator));
      // So the startup summary shows the mode the service really runs in, --demo included.
      env.put(AppConfig.DEMO_MODE.name(), "true");
    }
    AppConfig config;
    try {
      config = AppConfig.load(env, demoMode);
    } catch (ConfigException e) {
      // Printed before logging starts, so it reads the same whatever LOG_FORMAT says.
      System.err.println("tracksolid-ingest: " + e.getMessage());
      return 2;
    }
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    log.info("starting tracksolid-ingest {} (demo={}) with {}", BuildInfo.version(), config.demo(),
        ConfigSummary.describe(env));

    RunningService service;
    try {
      service = Service.start(config, Clock.systemUTC(), Modules::forConfig).await();
    } catch (Exception e) {
      log.error("startup failed: {}", e.getMessage(), e);
      return 1;
    }

    Vertx demoVertx = simulatorVertx;
    CountDownLatch stopped = new CountDownLatch(1);
    long graceMs = config.service().shutdownGrace().toMillis();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutdown signal received");
      service.stop()
          .compose(v -> demoVertx == null ? io.vertx.core.Future.<Void>succeededFuture() : demoVertx.close())
          .onComplete(ar -> stopped.countDown());
      try {
        stopped.await(graceMs + 10_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      flushLogs();
      // A signal would otherwise end the JVM with 128+signal; a clean, graceful stop is a success.
      Runtime.getRuntime().halt(0);
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.stop();
    }
  }

  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tracksolid-ingest " + BuildInfo.version()};
    }
  }
}
