package io.fleet.ingest.poll;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.tracksolid.TracksolidClients;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys one {@link PollVerticle} per endpoint kind for every configured account. The accounts
 * come from the {@link TracksolidClients} the client module provides (pointing at the simulator
 * in demo mode), or from the factory given here (tests, benchmark).
 */
public final class PollModule implements ServiceModule {
  private static final Logger log = LoggerFactory.getLogger(PollModule.class);

  private final Function<ServiceContext, List<FleetSource>> sourceFactory;
  private final List<String> deployments = new ArrayList<>();
  private ServiceContext context;
  private PollRunner runner;

  /** Takes the accounts from the {@link TracksolidClients} an earlier module provided. */
  public PollModule() {
    this(ctx -> ctx.lookup(TracksolidClients.class).map(TracksolidFleetSource::all).orElse(List.of()));
  }

  public PollModule(Function<ServiceContext, List<FleetSource>> sourceFactory) {
    this.sourceFactory = sourceFactory;
  }

  @Override
  public String name() {
    return "poll";
  }

  public Optional<PollRunner> runner() {
    return Optional.ofNullable(runner);
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    this.context = ctx;
    PollConfig config = ctx.config().poll();
    runner = PollWiring.runner(ctx);
    if (!config.enabled()) {
      log.info("pollers disabled (POLL_ENABLED=false)");
      return Future.succeededFuture();
    }
    List<FleetSource> sources = sourceFactory.apply(ctx);
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
        PollVerticle verticle = new PollVerticle(runner, source, endpoint, interval(config, endpoint), delay, leases,
            config.leaseTtl());
        chain = chain.compose(v -> ctx.vertx().deployVerticle(verticle).map(id -> {
          deployments.add(id);
          return null;
        }));
      }
    }
    return chain.onSuccess(v -> log.info("pollers started: {} account(s), {} jobs", sources.size(),
        deployments.size()));
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
      chain = chain.compose(v -> context.vertx().undeploy(id).otherwiseEmpty());
    }
    deployments.clear();
    return chain;
  }
}
