package io.fleet.ingest.ops;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.config.OpsConfig;
import io.fleet.ingest.http.ErrorMapper;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The management listener. GET /metrics in Prometheus text is on the public router by default; with
 * METRICS_PORT a separate server bound to METRICS_HOST (loopback by default) serves it instead,
 * together with the status page (GET /, /api/status, /api/fleet). Without METRICS_PORT there is no
 * status page at all: it is never put on the public listener. METRICS_ENABLED=false drops only the
 * /metrics route, which then answers 404.
 */
public final class MetricsServer {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(MetricsServer.class);
  private final HttpServer server;
  private final Router router;

  private MetricsServer(HttpServer server, Router router) {
    this.server = server;
    this.router = router;
  }

  static Future<MetricsServer> start(ServiceContext context, OpsConfig config, StatusApi status) {
    var handler = PrometheusScrapingHandler.create(context.registry());
    if (!config.separateMetricsServer(context.config().http().port())) {
      if (config.metricsEnabled()) {
        context.router().get("/metrics").handler(handler);
      }
      log.info(
          "status page: off; it is served only on the management listener, which METRICS_PORT starts");
      return Future.succeededFuture(new MetricsServer(null, null));
    }
    return StatusPage.load(context.vertx())
        .compose(
            page -> {
              Router router = Router.router(context.vertx());
              ErrorMapper.install(router);
              if (config.metricsEnabled()) {
                router.get("/metrics").handler(handler);
              }
              page.mount(router, StatusPage.access(config.metricsHost(), config.statusPassword()));
              status.mount(router);
              return context
                  .vertx()
                  .createHttpServer(
                      new HttpServerOptions()
                          .setHost(config.metricsHost())
                          .setPort(config.metricsPort().orElseThrow())
                          .setCompressionSupported(true)
                          .setIdleTimeout(120)
                          .setIdleTimeoutUnit(TimeUnit.SECONDS))
                  .requestHandler(router)
                  .listen()
                  .onSuccess(
                      server ->
                          log.info(
                              "management listener on {}:{}: /metrics and the status page at / ({})",
                              config.metricsHost(),
                              server.actualPort(),
                              StatusPage.isLoopback(config.metricsHost())
                                  ? "loopback, open"
                                  : config.statusPassword().isPresent()
                                      ? "needs STATUS_PASSWORD"
                                      : "refused: METRICS_HOST is not loopback and STATUS_PASSWORD is unset"))
                  .map(server -> new MetricsServer(server, router));
            });
  }

  /** The management server's routes (for the route-coverage test), empty without one. */
  public java.util.Optional<Router> router() {
    return java.util.Optional.ofNullable(router);
  }

  /** The separate management server's port, empty when /metrics is on the public server or off. */
  public OptionalInt port() {
    return server == null ? OptionalInt.empty() : OptionalInt.of(server.actualPort());
  }

  Future<Void> stop(Duration grace) {
    return server == null
        ? Future.succeededFuture()
        : server
            .shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)
            .recover(e -> Future.succeededFuture());
  }
}
