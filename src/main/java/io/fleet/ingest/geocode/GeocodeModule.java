package io.fleet.ingest.geocode;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.GeocodeConfig;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the geocoder (client, lane, caches, lease, backfill) and publishes it as
 * {@link Geocoder} for the modules started after it. With GEOCODE_ENABLED=false it publishes a
 * geocoder that never geocodes, so callers need no special case.
 */
public final class GeocodeModule implements ServiceModule {
  private static final Logger log = LoggerFactory.getLogger(GeocodeModule.class);

  private final Function<ServiceContext, GeocodeConfig> configFor;
  private GeocoderLane lane;
  private NominatimClient client;
  private GeocoderLeadership leadership;
  private AddressBackfillJob backfill;

  public GeocodeModule() {
    this(ctx -> ctx.config().geocode());
  }

  /** Demo mode and tests point the geocoder at a simulator known only once it listens. */
  public GeocodeModule(Function<ServiceContext, GeocodeConfig> configFor) {
    this.configFor = configFor;
  }

  @Override
  public String name() {
    return "geocoder";
  }

  @Override
  public Future<Void> start(ServiceContext context) {
    GeocodeConfig config = configFor.apply(context);
    if (!config.enabled()) {
      Geocoder off = Geocoder.disabled();
      context.provide(Geocoder.class, off);
      gauges(context.registry(), off);
      log.info("geocoder disabled (GEOCODE_ENABLED=false)");
      return Future.succeededFuture();
    }
    var problem = config.publicHostProblem();
    if (problem.isPresent()) {
      return Future.failedFuture(new IllegalStateException(problem.get()));
    }
    client = new NominatimClient(context.vertx(), config);
    lane = new GeocoderLane(context.vertx(), client, config, context.clock(), context.registry());
    ReverseGeocoder geocoder = new ReverseGeocoder(context.vertx(), context.pool(), config, context.clock(), lane,
        context.registry());
    leadership = new GeocoderLeadership(context.vertx(), new Leases(context.pool(), context.clock(),
        context.instanceId()), config.leaseTtl(), lane::setActive);
    backfill = new AddressBackfillJob(context.vertx(), context.pool(), geocoder, config, context.clock());
    context.provide(Geocoder.class, geocoder);
    context.provide(AddressBackfillJob.class, backfill);
    gauges(context.registry(), geocoder);
    log.info("geocoder: {} at {} requests/s, precision {}, User-Agent '{}'", config.url(), config.ratePerSecond(),
        config.precision(), config.effectiveUserAgent());
    return leadership.start().onSuccess(v -> backfill.start());
  }

  @Override
  public Future<Void> stop(Duration grace) {
    if (lane == null) {
      return Future.succeededFuture();
    }
    // The lane first: it waits for its request in flight, and only then is the lease released.
    return backfill.stop()
        .compose(v -> lane.stop())
        .compose(v -> leadership.stop())
        .compose(v -> client.close());
  }

  private static void gauges(MeterRegistry registry, Geocoder geocoder) {
    Gauge.builder(IngestMetrics.GEOCODER_QUEUE_DEPTH, geocoder, g -> g.state().queueDepth())
        .description("Lookups waiting in the geocoder lane").register(registry);
    Gauge.builder(IngestMetrics.GEOCODER_RATE, geocoder, g -> g.state().running()
            ? g.state().ratePerSecond() : 0)
        .description("Nominatim requests per second this replica may make now").register(registry);
    Gauge.builder(IngestMetrics.GEOCODER_PAUSED, geocoder, g -> g.state().paused() ? 1 : 0)
        .description("1 while Nominatim refused us (429/403) and the lane waits").register(registry);
  }
}
