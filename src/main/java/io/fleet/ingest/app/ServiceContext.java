package io.fleet.ingest.app;

import io.fleet.ingest.config.AppConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * What every module may use: the Vert.x instance, configuration, the reactive pool, the clock,
 * metrics, the router of the public HTTP server, {@code /health} and this replica's identity. What
 * one module offers another is passed to that module's constructor by the composition root.
 */
public final class ServiceContext {
  private final Vertx vertx;
  private final AppConfig config;
  private final Pool pool;
  private final Clock clock;
  private final PrometheusMeterRegistry registry;
  private final Router router;
  private final String instanceId;
  private final HealthRoute health;

  public ServiceContext(
      Vertx vertx,
      AppConfig config,
      Pool pool,
      Clock clock,
      PrometheusMeterRegistry registry,
      Router router,
      String instanceId,
      HealthRoute health) {
    this.vertx = vertx;
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.registry = registry;
    this.router = router;
    this.instanceId = instanceId;
    this.health = health;
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

  /** GET /health, to which modules add their details. */
  public HealthRoute health() {
    return health;
  }
}
