package io.fleet.ingest.support;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.cli.Modules;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.db.DatabaseTarget;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Starts the real service, as Main does, on a given database with a random port. */
public final class TestService {
  /** The webhook token every test service is started with. */
  public static final String WEBHOOK_TOKEN = "test-webhook-token-0123456789abcdef";

  private TestService() {}

  public static Map<String, String> baseEnv(DatabaseTarget db) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.uri());
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("LOG_FORMAT", "text");
    env.put("SHUTDOWN_GRACE", "PT5S");
    env.put("DATABASE_POOL_SIZE", "4");
    // No test reaches the public Nominatim; tests that geocode point NOMINATIM_URL at the
    // simulator.
    env.put("GEOCODE_ENABLED", "false");
    // The webhook is fail-closed: without a token the service would refuse to start.
    env.put("JIMI_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
    try {
      env.put("WEBHOOK_SPOOL_DIR", java.nio.file.Files.createTempDirectory("spool").toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return env;
  }

  public static RunningService start(Map<String, String> env, Clock clock) {
    return start(env, clock, null);
  }

  public static RunningService start(
      Map<String, String> env, Clock clock, Function<ServiceContext, List<ServiceModule>> modules) {
    AppConfig config = AppConfig.load(env, false);
    var future =
        modules == null
            ? Service.start(config, clock, Modules::forContext)
            : Service.start(config, clock, modules);
    return Futures.get(future, 120);
  }

  /** The started module of this type: what a test inspects of a running service. */
  public static <T extends ServiceModule> T module(RunningService service, Class<T> type) {
    return service.modules().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow();
  }

  public static void stop(RunningService service) {
    if (service != null) {
      Futures.get(service.stop(), 60);
    }
  }

  /** Test-thread helpers for Vert.x futures. */
  public static final class Futures {
    private Futures() {}

    public static <T> T get(io.vertx.core.Future<T> future, int seconds) {
      try {
        return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
