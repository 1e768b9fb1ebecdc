package io.fleet.ingest.tracksolid;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.lease.VendorSlots;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client per configured account, offered to the modules built after it as {@link #clients()}.
 * Without credentials it logs the one warning and offers an empty set, so pollers stay off while
 * the rest of the service runs.
 */
public final class TracksolidModule implements ServiceModule {
  private static final Logger log = LoggerFactory.getLogger(TracksolidModule.class);
  private final TracksolidClients clients;

  public TracksolidModule(ServiceContext context) {
    var config = context.config().tracksolid();
    if (!config.enabled()) {
      log.warn(config.disabledReason());
    }
    clients =
        new TracksolidClients(
            context.vertx(),
            config,
            context.clock(),
            context.registry(),
            Optional.of(new VendorSlots(context.pool(), context.clock(), context.instanceId())));
  }

  public TracksolidClients clients() {
    return clients;
  }

  @Override
  public String name() {
    return "tracksolid-client";
  }

  @Override
  public Future<Void> start() {
    clients
        .all()
        .forEach(
            api ->
                log.info(
                    "tracksolid account {} at {} (targets {})",
                    api.client().account().name(),
                    api.client().account().baseUrl(),
                    api.client().account().targets()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop(Duration grace) {
    clients.close();
    return Future.succeededFuture();
  }
}
