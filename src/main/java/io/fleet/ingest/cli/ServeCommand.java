package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.ConfigSummary;
import io.fleet.ingest.ops.BuildInfo;
import java.time.Clock;
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
    subcommands = {BenchWebhookCommand.class})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--demo", description = "Run against the built-in Tracksolid and Nominatim simulator.")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    AppConfig config;
    try {
      config = AppConfig.load(env, demo);
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
      service = Service.start(config, Clock.systemUTC()).await();
    } catch (Exception e) {
      log.error("startup failed: {}", e.getMessage(), e);
      return 1;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    long graceMs = config.service().shutdownGrace().toMillis();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutdown signal received");
      service.stop().onComplete(ar -> stopped.countDown());
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

  private static void flushLogs() {
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
