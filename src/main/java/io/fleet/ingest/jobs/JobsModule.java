package io.fleet.ingest.jobs;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.OpsConfig;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * The daily purge and the reporting refresh; every replica schedules them, leases run each once.
 */
public final class JobsModule implements ServiceModule {
  private final PurgeJob purge;
  private final ReportingRefreshJob refresh;

  public JobsModule(ServiceContext context, IngestMetrics meters) {
    OpsConfig config = context.config().ops();
    Leases leases = new Leases(context.pool(), context.clock(), context.instanceId());
    purge =
        new PurgeJob(
            context.vertx(),
            context.pool(),
            context.clock(),
            leases,
            config,
            context.instanceId(),
            meters);
    refresh =
        new ReportingRefreshJob(
            context.vertx(),
            context.pool(),
            context.clock(),
            leases,
            config.reportingRefreshInterval(),
            meters);
  }

  public PurgeJob purge() {
    return purge;
  }

  public ReportingRefreshJob refresh() {
    return refresh;
  }

  @Override
  public String name() {
    return "jobs";
  }

  @Override
  public Future<Void> start() {
    purge.start();
    refresh.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop(Duration grace) {
    return Future.all(purge.stop(grace), refresh.stop(grace)).mapEmpty();
  }
}
