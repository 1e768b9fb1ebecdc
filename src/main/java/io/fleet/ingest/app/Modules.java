package io.fleet.ingest.app;

import io.fleet.ingest.config.AppConfig;
import java.util.ArrayList;
import java.util.List;

/** The modules the service runs, in start order. */
public final class Modules {
  private Modules() {
  }

  public static List<ServiceModule> forConfig(AppConfig config) {
    List<ServiceModule> modules = new ArrayList<>();
    modules.add(new io.fleet.ingest.webhook.WebhookModule());
    return modules;
  }
}
