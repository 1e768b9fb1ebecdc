package io.fleet.ingest.app;

import io.fleet.ingest.config.AppConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What modules share: the Vert.x instance, configuration, the reactive pool, the clock, metrics,
 * the router of the public HTTP server and this replica's identity. Modules that offer a service
 * to later modules publish it with {@link #provide} rather than through static state.
 */
public final class ServiceContext {
  private final Vertx vertx;
  private final AppConfig config;
  private final Pool pool;
  private final Clock clock;
  private final PrometheusMeterRegistry registry;
  private final Router router;
  private final String instanceId;
  private final Map<Class<?>, Object> services = new HashMap<>();

  public ServiceContext(Vertx vertx, AppConfig config, Pool pool, Clock clock, PrometheusMeterRegistry registry,
                        Router router, String instanceId) {
    this.vertx = vertx;
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.registry = registry;
    this.router = router;
    this.instanceId = instanceId;
  }

  public Vertx vertx() {
    return vertx;
  }

  public AppConfig config() {
    return config;
  }

  public Pool pool() {
    return pool;
  }

  public Clock clock() {
    return clock;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public Router router() {
    return router;
  }

  public String instanceId() {
    return instanceId;
  }

  public synchronized <T> void provide(Class<T> type, T service) {
    services.put(type, service);
  }

  public synchronized <T> Optional<T> lookup(Class<T> type) {
    return Optional.ofNullable(type.cast(services.get(type)));
  }
}
