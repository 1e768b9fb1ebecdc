package io.fleet.ingest.cli;

import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.geocode.GeocodeModule;
import io.fleet.ingest.jobs.JobsModule;
import io.fleet.ingest.ops.OpsModule;
import io.fleet.ingest.poll.PollModule;
import io.fleet.ingest.tracksolid.TracksolidModule;
import io.fleet.ingest.webhook.WebhookModule;
import java.util.ArrayList;
import java.util.List;

/**
 * The modules the service runs, in start order (they stop in reverse). The composition root lives
 * here, above {@code app}, so that {@code app} knows the module contract and none of the modules.
 */
public final class Modules {
  private Modules() {
  }

  public static List<ServiceModule> forConfig(AppConfig config) {
    List<ServiceModule> modules = new ArrayList<>();
    modules.add(new TracksolidModule());
    // Before the pollers and the webhook: they look the Geocoder up.
    modules.add(new GeocodeModule());
    modules.add(new OpsModule());
    modules.add(new JobsModule());
    modules.add(new WebhookModule());
    modules.add(new PollModule());
    return modules;
  }
}
