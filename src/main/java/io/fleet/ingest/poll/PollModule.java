package io.fleet.ingest.poll;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.geocode.Geocoder;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys one {@link PollVerticle} per endpoint kind for every account it is given: those of the
 * {@link io.fleet.ingest.tracksolid.TracksolidClients} (pointing at the simulator in demo mode), or
 * fakes in tests.
 */
public final class PollModule implements ServiceModule {
  private static final Logger log = LoggerFactory.getLogger(PollModule.class);

  private final ServiceContext ctx;
  private final List<FleetSource> sources;
  private final PollRunner runner;
  private final List<String> deployments = new ArrayList<>();

  public PollModule(
      ServiceContext ctx,
      List<FleetSource> sources,
      Optional<Geocoder> geocoder,
      IngestMetrics metrics) {
    this.ctx = ctx;
    this.sources = List.copyOf(sources);
    this.runner = PollWiring.runner(ctx, geocoder, metrics);
  }

  @Override
  public String name() {
    return "poll";
  }

  public PollRunner runner() {
    return runner;
  }

  @Override
  public Future<Void> start() {
    PollConfig config = ctx.config().poll();
    if (!config.enabled()) {
      log.info("pollers disabled (POLL_ENABLED=false)");
      return Future.succeededFuture();
    }
    if (sources.isEmpty()) {
      // The Tracksolid module has already given the one warning an operator needs.
      log.info("no Tracksolid account configured: pollers idle");
      return Future.succeededFuture();
    }
    Leases leases = new Leases(ctx.pool(), ctx.clock(), ctx.instanceId());
    Future<Void> chain = Future.succeededFuture();
    for (FleetSource source : sources) {
      for (Endpoint endpoint : Endpoint.values()) {
        // Devices first: the windowed polls ask only for devices the sync has stored.
        Duration delay = endpoint == Endpoint.DEVICES ? Duration.ZERO : Duration.ofMillis(200);
        PollVerticle verticle =
            new PollVerticle(
                runner,
                source,
                endpoint,
                interval(config, endpoint),
                delay,
                leases,
                config.leaseTtl());
        chain =
            chain.compose(
                v ->
                    ctx.vertx()
                        .deployVerticle(verticle)
                        .map(
                            id -> {
                              deployments.add(id);
                              return null;
                            }));
      }
    }
    return chain.onSuccess(
        v ->
            log.info(
                "pollers started: {} account(s), {} jobs", sources.size(), deployments.size()));
  }

  static Duration interval(PollConfig c, Endpoint e) {
    return switch (e) {
      case ALARMS -> c.alarmsInterval();
      case TRIPS -> c.tripsInterval();
      case PARKING -> c.parkingInterval();
      case DEVICES -> c.devicesInterval();
      case POSITIONS -> c.positionsInterval();
    };
  }

  @Override
  public Future<Void> stop(Duration grace) {
    Future<Void> chain = Future.succeededFuture();
    for (String id : deployments) {
      chain = chain.compose(v -> ctx.vertx().undeploy(id).otherwiseEmpty());
    }
    deployments.clear();
    return chain;
  }
}
