package io.fleet.ingest.app;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.DatabaseConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.EmbeddedDatabase;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.db.PoolFactory;
import io.fleet.ingest.db.RoleSettings;
import io.fleet.ingest.http.ErrorMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one start-up path, shared by {@code Main} and the tests: database (embedded or URL),
 * migrations on a worker thread, the reactive pool and what every module shares (the {@link
 * ServiceContext}), then the modules the given composition root builds from it, started in the
 * order it built them, then the HTTP server.
 */
public final class Service {
  private static final Logger log = LoggerFactory.getLogger(Service.class);

  private Service() {}

  public static Future<RunningService> start(
      AppConfig config, Clock clock, Function<ServiceContext, List<ServiceModule>> moduleFactory) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Before any meter exists: labels a client chooses (the method) must not add series.
    HttpMetricsFilter.install(registry);
    PrometheusNames.install(registry);
    // Vert.x keeps backend registries in a static map by name: a unique name keeps each service's
    // meters in its own registry when one JVM runs several (tests, the two-replica test).
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(
                        new MicrometerMetricsOptions()
                            .setEnabled(true)
                            // The matched route (e.g. /pushgps), so alerts can tell webhook 401s
                            // and 5xx from the rest.
                            .addLabels(io.vertx.micrometer.Label.HTTP_ROUTE)
                            .setRegistryName("tracksolid-" + java.util.UUID.randomUUID())
                            .setJvmMetricsEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    // An exception no handler caught is logged by class and place only: its message may quote a
    // body, a query string or a token. Requests never depend on this: every route answers itself.
    vertx.exceptionHandler(
        e ->
            log.error(
                "unhandled {} at {}",
                e.getClass().getName(),
                e.getStackTrace().length == 0 ? "?" : e.getStackTrace()[0]));
    String instanceId = InstanceId.resolve(config.service().instanceId());
    State state = new State(vertx, config, registry, instanceId);
    // Not bound to a context: after a failed start Vert.x is closed, and a context-bound future
    // would never deliver the failure to whoever waits for it.
    Promise<RunningService> result = Promise.promise();
    vertx
        .<Void>executeBlocking(
            () -> {
              state.prepareDatabase();
              return null;
            },
            false)
        .compose(v -> state.startModules(clock, moduleFactory))
        .compose(v -> state.listen())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                log.info(
                    "service started: instance {} listening on port {}",
                    instanceId,
                    state.httpPort());
                result.complete(state);
              } else {
                log.error("startup failed, stopping what had started", ar.cause());
                state.stop().onComplete(ignored -> result.fail(ar.cause()));
              }
            });
    return result.future();
  }

  private static final class State implements RunningService {
    private final Vertx vertx;
    private final AppConfig config;
    private final PrometheusMeterRegistry registry;
    private final String instanceId;
    private final List<ServiceModule> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile EmbeddedDatabase embedded;
    private volatile DatabaseTarget target;
    private volatile Map<String, String> roleSettings = Map.of();
    private Pool pool;
    private ServiceContext context;
    private HttpServer server;
    private Future<Void> stopping;

    State(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry, String instanceId) {
      this.vertx = vertx;
      this.config = config;
      this.registry = registry;
      this.instanceId = instanceId;
    }

    /** Blocking: runs on a worker thread. */
    void prepareDatabase() throws Exception {
      DatabaseConfig db = config.database();
      DatabaseTarget migrationTarget;
      if (db.embedded()) {
        embedded = EmbeddedDatabase.start(db.embeddedDir(), db.embeddedPort());
        target = embedded.target();
        migrationTarget = target;
      } else {
        target = DatabaseTarget.fromUri(db.url().orElseThrow(), db.password());
        migrationTarget =
            db.migrationUrl()
                .map(u -> DatabaseTarget.fromUri(u, java.util.Optional.empty()))
                .orElse(target);
      }
      if (db.migrateOnStart()) {
        Migrator.migrate(migrationTarget, db.timescaleCompressAfter(), db.timescaleRetention());
      } else {
        log.info("MIGRATE_ON_START=false: schema changes are left to the 'migrate' command");
      }
      roleSettings = RoleSettings.read(target, db.runtimeRole());
    }

    Future<Void> startModules(
        Clock clock, Function<ServiceContext, List<ServiceModule>> moduleFactory) {
      pool =
          PoolFactory.create(
              vertx,
              target,
              config.database().poolSize(),
              config.database().runtimeRole(),
              roleSettings);
      Router router = Router.router(vertx);
      ErrorMapper.install(router);
      HealthRoute health = new HealthRoute(pool, clock);
      health.mount(router);
      context =
          new ServiceContext(vertx, config, pool, clock, registry, router, instanceId, health);
      // Prove the runtime role works before anything depends on it.
      return pool.query("SELECT 1")
          .execute()
          .compose(
              rows -> {
                Future<Void> chain = Future.succeededFuture();
                for (ServiceModule module : moduleFactory.apply(context)) {
                  chain =
                      chain.compose(
                          v ->
                              module
                                  .start()
                                  .onSuccess(
                                      x -> {
                                        started.add(module);
                                        log.info("module {} started", module.name());
                                      }));
                }
                return chain;
              });
    }

    Future<Void> listen() {
      server =
          vertx.createHttpServer(
              new HttpServerOptions()
                  .setHost(config.http().host())
                  .setPort(config.http().port())
                  .setCompressionSupported(true)
                  // Cleartext HTTP/2 multiplies what one connection can ask for; off unless
                  // configured.
                  .setHttp2ClearTextEnabled(config.http().h2cEnabled())
                  // A client that opens a connection and goes quiet does not hold it for ever.
                  .setIdleTimeout(120)
                  .setIdleTimeoutUnit(TimeUnit.SECONDS));
      return server.requestHandler(context.router()).listen().mapEmpty();
    }

    @Override
    public Vertx vertx() {
      return vertx;
    }

    @Override
    public int httpPort() {
      return server == null ? -1 : server.actualPort();
    }

    @Override
    public DatabaseTarget database() {
      return target;
    }

    @Override
    public ServiceContext context() {
      return context;
    }

    @Override
    public List<ServiceModule> modules() {
      return List.copyOf(started);
    }

    @Override
    public synchronized Future<Void> stop() {
      if (stopping != null) {
        return stopping;
      }
      Duration grace = config.service().shutdownGrace();
      long deadline = System.nanoTime() + grace.toNanos();
      log.info("stopping: grace period {}", grace);
      Future<Void> chain =
          server == null
              ? Future.succeededFuture()
              : server
                  .shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)
                  .recover(e -> Future.succeededFuture());
      List<ServiceModule> reversed = new ArrayList<>(started);
      java.util.Collections.reverse(reversed);
      for (ServiceModule module : reversed) {
        chain =
            chain.compose(
                v -> {
                  Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                  return module
                      .stop(left)
                      .onFailure(e -> log.warn("module {} did not stop cleanly", module.name(), e))
                      .recover(e -> Future.succeededFuture());
                });
      }
      Promise<Void> done = Promise.promise();
      chain
          .compose(
              v ->
                  pool == null
                      ? Future.succeededFuture()
                      : pool.close().recover(e -> Future.succeededFuture()))
          .compose(
              v ->
                  vertx
                      .executeBlocking(
                          () -> {
                            if (embedded != null) {
                              embedded.close();
                            }
                            return null;
                          },
                          false)
                      .recover(e -> Future.succeededFuture()))
          .onComplete(
              v ->
                  vertx
                      .close()
                      .onComplete(
                          c -> {
                            registry.close();
                            log.info("stopped");
                            done.complete();
                          }));
      stopping = done.future();
      return stopping;
    }
  }
}
