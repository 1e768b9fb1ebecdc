package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.BuildInfo;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ConfigSummary;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.JimiPushSimulator;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.webhook.DemoToken;
import io.vertx.core.Vertx;
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
@Command(
    name = "tracksolid-ingest",
    mixinStandardHelpOptions = true,
    versionProvider = ServeCommand.Version.class,
    description = "Keeps Tracksolid Pro fleet telemetry flowing into PostgreSQL/TimescaleDB.",
    subcommands = {
      MigrateCommand.class,
      SimulatorCommand.class,
      BenchWebhookCommand.class,
      BackfillCommand.class,
      BenchPollCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      BenchRollupsCommand.class,
      WebhookQueueCommand.class
    })
public final class ServeCommand implements Callable<Integer> {
  /** Well inside the webhook streams' stale threshold, so every one of them stays ok. */
  private static final java.time.Duration PUSH_INTERVAL = java.time.Duration.ofSeconds(20);

  @Option(
      names = "--demo",
      description = "Run against the built-in Tracksolid and Nominatim simulator.")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    // Demo mode: the simulator listens before the config is read, so its URL and credentials fill
    // in.
    boolean demoMode = demo || Boolean.TRUE.equals(new ConfigSource(env).get(AppConfig.DEMO_MODE));
    Vertx simulatorVertx = null;
    SimulatorServer simulator = null;
    if (demoMode) {
      simulatorVertx = Vertx.vertx();
      simulator =
          SimulatorServer.start(
                  simulatorVertx,
                  SimulatorOptions.defaults(Clock.systemUTC()),
                  List.of(new NominatimSimulator()::mount))
              .await();
      env = new java.util.HashMap<>(DemoEnvironment.overlay(env, simulator));
      // So the startup summary shows the mode the service really runs in, --demo included.
      env.put(AppConfig.DEMO_MODE.name(), "true");
      // The status page lives on the loopback management listener: the demo gives it a free port.
      if (env.getOrDefault(io.fleet.ingest.config.OpsConfig.METRICS_PORT.name(), "").isEmpty()) {
        env.put(io.fleet.ingest.config.OpsConfig.METRICS_PORT.name(), "0");
      }
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
    log.info(
        "starting tracksolid-ingest {} (demo={}) with {}",
        BuildInfo.version(),
        config.demo(),
        ConfigSummary.describe(env));

    RunningService service;
    java.util.concurrent.atomic.AtomicReference<Modules> modules =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      service =
          Service.start(
                  config,
                  Clock.systemUTC(),
                  ctx -> {
                    modules.set(Modules.build(ctx));
                    return modules.get().inStartOrder();
                  })
              .await();
    } catch (Exception e) {
      log.error("startup failed: {}", e.getMessage(), e);
      return 1;
    }

    JimiPushSimulator pusher = null;
    if (demoMode) {
      pusher = startPushes(simulatorVertx, simulator, config, service);
      System.err.print(DemoBanner.text(config, service, modules.get().ops(), pusher != null));
    }

    Vertx demoVertx = simulatorVertx;
    JimiPushSimulator demoPusher = pusher;
    CountDownLatch stopped = new CountDownLatch(1);
    long graceMs = config.service().shutdownGrace().toMillis();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutdown signal received");
                  if (demoPusher != null) {
                    demoVertx.runOnContext(v -> demoPusher.stop());
                  }
                  service
                      .stop()
                      .compose(
                          v ->
                              demoVertx == null
                                  ? io.vertx.core.Future.<Void>succeededFuture()
                                  : demoVertx.close())
                      .onComplete(ar -> stopped.countDown());
                  try {
                    stopped.await(graceMs + 10_000, TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  flushLogs();
                  // A signal would otherwise end the JVM with 128+signal; a clean, graceful stop is
                  // a success.
                  Runtime.getRuntime().halt(0);
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  /** The demo's Jimi pushes to the service's own webhook, with the token the webhook checks. */
  private static JimiPushSimulator startPushes(
      Vertx vertx, SimulatorServer simulator, AppConfig config, RunningService service)
      throws java.io.IOException {
    String token = config.webhook().token().orElse(null);
    if (token == null && config.webhook().requireToken()) {
      // Written by the webhook module at its start; read here, off the event loop.
      token = DemoToken.loadOrCreate(DemoToken.file(config.webhook().spoolDir()));
    }
    JimiPushSimulator pusher =
        new JimiPushSimulator(
            vertx,
            simulator.tracksolid().fleet(),
            Clock.systemUTC(),
            "http://127.0.0.1:" + service.httpPort(),
            token == null ? "" : token,
            PUSH_INTERVAL);
    pusher.start();
    return pusher;
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
