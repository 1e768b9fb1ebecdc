package io.fleet.ingest.app;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.tracksolid.TracksolidModule;
import io.fleet.ingest.ops.OpsModule;
import io.fleet.ingest.geocode.GeocodeModule;
import java.util.ArrayList;
import java.util.List;

/** The modules the service runs, in start order. */
public final class Modules {
  private Modules() {
  }

  public static List<ServiceModule> forConfig(AppConfig config) {
    List<ServiceModule> modules = new ArrayList<>();
    modules.add(new TracksolidModule());
    // Before the pollers and the webhook: they look the Geocoder up.
    modules.add(new GeocodeModule());
    modules.add(new OpsModule());
    modules.add(new io.fleet.ingest.webhook.WebhookModule());
    modules.add(new io.fleet.ingest.poll.PollModule());
    return modules;
  }
}
