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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the geocoder (client, lane, caches, lease, backfill) and offers it to the modules built
 * after it as {@link #geocoder()}. With GEOCODE_ENABLED=false it offers a geocoder that never
 * geocodes, so callers need no special case.
 */
public final class GeocodeModule implements ServiceModule {
  private static final Logger log = LoggerFactory.getLogger(GeocodeModule.class);

  private final ServiceContext context;
  private final GeocodeConfig config;
  private final Geocoder geocoder;
  private final GeocoderLane lane;
  private final NominatimClient client;
  private final GeocoderLeadership leadership;
  private final AddressBackfillJob backfill;

  public GeocodeModule(ServiceContext context) {
    this.context = context;
    this.config = context.config().geocode();
    if (!config.enabled() || config.publicHostProblem().isPresent()) {
      // With a problem, start() fails the start-up; nothing is built that would need closing.
      geocoder = Geocoder.disabled();
      lane = null;
      client = null;
      leadership = null;
      backfill = null;
      return;
    }
    client = new NominatimClient(context.vertx(), config);
    lane = new GeocoderLane(context.vertx(), client, config, context.clock(), context.registry());
    geocoder =
        new ReverseGeocoder(
            context.vertx(), context.pool(), config, context.clock(), lane, context.registry());
    leadership =
        new GeocoderLeadership(
            context.vertx(),
            new Leases(context.pool(), context.clock(), context.instanceId()),
            config.leaseTtl(),
            lane::setActive);
    backfill =
        new AddressBackfillJob(context.vertx(), context.pool(), geocoder, config, context.clock());
  }

  public Geocoder geocoder() {
    return geocoder;
  }

  /** Empty when geocoding is off. */
  public Optional<AddressBackfillJob> backfill() {
    return Optional.ofNullable(backfill);
  }

  @Override
  public String name() {
    return "geocoder";
  }

  @Override
  public Future<Void> start() {
    if (!config.enabled()) {
      gauges(context.registry(), geocoder);
      log.info("geocoder disabled (GEOCODE_ENABLED=false)");
      return Future.succeededFuture();
    }
    var problem = config.publicHostProblem();
    if (problem.isPresent()) {
      return Future.failedFuture(new IllegalStateException(problem.get()));
    }
    gauges(context.registry(), geocoder);
    log.info(
        "geocoder: {} at {} requests/s, precision {}, User-Agent '{}'",
        config.url(),
        config.ratePerSecond(),
        config.precision(),
        config.effectiveUserAgent());
    return leadership.start().onSuccess(v -> backfill.start());
  }

  @Override
  public Future<Void> stop(Duration grace) {
    if (lane == null) {
      return Future.succeededFuture();
    }
    // The lane first: it waits for its request in flight, and only then is the lease released.
    return backfill
        .stop()
        .compose(v -> lane.stop())
        .compose(v -> leadership.stop())
        .compose(v -> client.close());
  }

  private static void gauges(MeterRegistry registry, Geocoder geocoder) {
    Gauge.builder(IngestMetrics.GEOCODER_QUEUE_DEPTH, geocoder, g -> g.state().queueDepth())
        .description("Lookups waiting in the geocoder lane")
        .register(registry);
    Gauge.builder(
            IngestMetrics.GEOCODER_RATE,
            geocoder,
            g -> g.state().running() ? g.state().ratePerSecond() : 0)
        .description("Nominatim requests per second this replica may make now")
        .register(registry);
    Gauge.builder(IngestMetrics.GEOCODER_PAUSED, geocoder, g -> g.state().paused() ? 1 : 0)
        .description("1 while Nominatim refused us (429/403) and the lane waits")
        .register(registry);
  }
}
