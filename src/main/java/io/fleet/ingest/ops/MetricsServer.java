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
 * GET /metrics in Prometheus text: on the public router by default, or on a separate management
 * server (METRICS_PORT, bound to METRICS_HOST) so metrics need not be public. Disabled, the route
 * is simply absent and the public router answers 404.
 */
public final class MetricsServer {
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  static Future<MetricsServer> start(ServiceContext context, OpsConfig config) {
    if (!config.metricsEnabled()) {
      return Future.succeededFuture(new MetricsServer(null));
    }
    var handler = PrometheusScrapingHandler.create(context.registry());
    if (!config.separateMetricsServer(context.config().http().port())) {
      context.router().get("/metrics").handler(handler);
      return Future.succeededFuture(new MetricsServer(null));
    }
    Router router = Router.router(context.vertx());
    ErrorMapper.install(router);
    router.get("/metrics").handler(handler);
    return context.vertx().createHttpServer(new HttpServerOptions()
            .setHost(config.metricsHost())
            .setPort(config.metricsPort().orElseThrow())
            .setCompressionSupported(true))
        .requestHandler(router)
        .listen()
        .map(MetricsServer::new);
  }

  /** The separate management server's port, empty when /metrics is on the public server or off. */
  public OptionalInt port() {
    return server == null ? OptionalInt.empty() : OptionalInt.of(server.actualPort());
  }

  Future<Void> stop(Duration grace) {
    return server == null ? Future.succeededFuture()
        : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS).recover(e -> Future.succeededFuture());
  }
}
