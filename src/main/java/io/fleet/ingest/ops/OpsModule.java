package io.fleet.ingest.ops;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.OpsConfig;
import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.jobs.PurgeJob;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.reporting.ReportingSettings;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Operations: /health/ingest, /metrics, the status page, the shared domain meters, the daily purge and the
 * reporting refresh. Every replica serves health and metrics; the jobs run once through leases.
 */
public final class OpsModule implements ServiceModule {
  private MetricsServer metrics;
  private PurgeJob purge;
  private ReportingRefreshJob refresh;
  private OpsGauges gauges;

  @Override
  public String name() {
    return "ops";
  }

  @Override
  public Future<Void> start(ServiceContext context) {
    OpsConfig config = context.config().ops();
    IngestMetrics meters = IngestMetrics.of(context);
    meters.spoolLimitBytes().set(context.config().webhook().spoolMaxBytes());
    gauges = new OpsGauges(context.vertx(), context.pool(), context.clock(), meters);
    IngestHealthRoute health = new IngestHealthRoute(context.pool(), context.clock(), gauges::streams);
    health.mount(context.router());
    StatusApi status = new StatusApi(context.pool(), context.clock(), context.registry(), health,
        context.instanceId());
    Leases leases = new Leases(context.pool(), context.clock(), context.instanceId());
    return IngestHealthSettings.apply(context.pool(), context.clock(), config, polledAccounts(context.config()))
        .compose(v -> ReportingSettings.apply(context.pool(), context.clock(), context.config().reporting()))
        .compose(v -> MetricsServer.start(context, config, status))
        .map(server -> {
          metrics = server;
          context.provide(MetricsServer.class, server);
          purge = new PurgeJob(context.vertx(), context.pool(), context.clock(), leases, config, context.instanceId(),
              meters);
          refresh = new ReportingRefreshJob(context.vertx(), context.pool(), context.clock(), leases,
              config.reportingRefreshInterval(), meters);
          context.provide(PurgeJob.class, purge);
          context.provide(ReportingRefreshJob.class, refresh);
          purge.start();
          refresh.start();
          return null;
        })
        .compose(v -> gauges.start());
  }

  /** The accounts the pollers run for: none when polling is off or no Tracksolid account is configured. */
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
    Future<Void> jobs = Future.all(
        purge == null ? Future.succeededFuture() : purge.stop(grace),
        refresh == null ? Future.succeededFuture() : refresh.stop(grace)).mapEmpty();
    return jobs.compose(v -> metrics == null ? Future.succeededFuture() : metrics.stop(grace));
  }
}
