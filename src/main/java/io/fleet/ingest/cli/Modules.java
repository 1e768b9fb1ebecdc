package io.fleet.ingest.cli;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.geocode.GeocodeModule;
import io.fleet.ingest.jobs.JobsModule;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.ops.OpsModule;
import io.fleet.ingest.poll.PollModule;
import io.fleet.ingest.poll.TracksolidFleetSource;
import io.fleet.ingest.tracksolid.TracksolidModule;
import io.fleet.ingest.webhook.WebhookModule;
import java.util.List;
import java.util.Optional;

/**
 * The composition root: the service's modules, each built with what it needs, so none can be built
 * before what it uses; they start in the order built (and stop in reverse). It lives here, above
 * {@code app}, so that {@code app} knows the module contract and none of the modules.
 */
public record Modules(
    IngestMetrics metrics,
    TracksolidModule tracksolid,
    GeocodeModule geocode,
    OpsModule ops,
    JobsModule jobs,
    WebhookModule webhook,
    PollModule poll) {

  public static Modules build(ServiceContext ctx) {
    // One instance for the service: it holds the settable gauges' values.
    IngestMetrics metrics = new IngestMetrics(ctx.registry());
    TracksolidModule tracksolid = new TracksolidModule(ctx);
    GeocodeModule geocode = new GeocodeModule(ctx);
    OpsModule ops = new OpsModule(ctx, metrics);
    JobsModule jobs = new JobsModule(ctx, metrics);
    WebhookModule webhook = new WebhookModule(ctx, metrics);
    PollModule poll =
        new PollModule(
            ctx,
            TracksolidFleetSource.all(tracksolid.clients()),
            Optional.of(geocode.geocoder()),
            metrics);
    return new Modules(metrics, tracksolid, geocode, ops, jobs, webhook, poll);
  }

  /** What {@code Service.start} runs for {@code serve}. */
  public static List<ServiceModule> forContext(ServiceContext ctx) {
    return build(ctx).inStartOrder();
  }

  public List<ServiceModule> inStartOrder() {
    return List.of(tracksolid, geocode, ops, jobs, webhook, poll);
  }
}
