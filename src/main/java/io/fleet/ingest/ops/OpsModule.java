package io.fleet.ingest.ops;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.OpsConfig;
import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.reporting.ReportingSettings;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Operations: /health/ingest, /metrics, the status page, the shared domain meters and the settings
 * they read. Every replica serves health and metrics (the jobs are {@code jobs.JobsModule}).
 */
public final class OpsModule implements ServiceModule {
  private final ServiceContext context;
  private final IngestMetrics meters;
  private MetricsServer metrics;
  private OpsGauges gauges;

  public OpsModule(ServiceContext context, IngestMetrics meters) {
    this.context = context;
    this.meters = meters;
  }

  /** The management listener (/metrics and the status page), once started. */
  public Optional<MetricsServer> metricsServer() {
    return Optional.ofNullable(metrics);
  }

  @Override
  public String name() {
    return "ops";
  }

  @Override
  public Future<Void> start() {
    OpsConfig config = context.config().ops();
    meters.spoolLimitBytes().set((double) context.config().webhook().spoolMaxBytes());
    gauges = new OpsGauges(context.vertx(), context.pool(), context.clock(), meters);
    IngestHealthRoute health =
        new IngestHealthRoute(context.pool(), context.clock(), gauges::streams);
    health.mount(context.router());
    StatusApi status =
        new StatusApi(
            context.pool(), context.clock(), context.registry(), health, context.instanceId());
    return IngestHealthSettings.apply(
            context.pool(), context.clock(), config, polledAccounts(context.config()))
        .compose(
            v ->
                ReportingSettings.apply(
                    context.pool(), context.clock(), context.config().reporting()))
        .compose(v -> MetricsServer.start(context, config, status))
        .map(
            server -> {
              metrics = server;
              return null;
            })
        .compose(v -> gauges.start());
  }

  /**
   * The accounts the pollers run for: none when polling is off or no Tracksolid account is
   * configured.
   */
  static List<String> polledAccounts(AppConfig config) {
    if (!config.poll().enabled() || !config.tracksolid().enabled()) {
      return List.of();
    }
    return config.tracksolid().accounts().stream().map(TracksolidAccount::name).toList();
  }

  @Override
  public Future<Void> stop(Duration grace) {
    if (gauges != null) {
      gauges.stop();
    }
    return metrics == null ? Future.succeededFuture() : metrics.stop(grace);
  }
}
