package io.fleet.ingest.geocode;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.fleet.ingest.config.GeocodeConfig;
import io.fleet.ingest.geocode.GeocodeCacheStore.Entry;
import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The geocoder the service uses: memory (Caffeine, async so concurrent lookups of one key share a
 * single load), then {@code tracksolid.geocode_cache}, then the lane. Answers, negative ones
 * included, are written back so no point is ever asked twice within its TTL, across restarts and
 * replicas.
 */
public final class ReverseGeocoder implements Geocoder {
  private static final Logger log = LoggerFactory.getLogger(ReverseGeocoder.class);

  private final Vertx vertx;
  private final GeocodeConfig config;
  private final Clock clock;
  private final GeocoderLane lane;
  private final GeocodeCacheStore store;
  private final AsyncCache<GeoKey, Entry> memory;
  private final Counter hits;
  private final Counter misses;

  public ReverseGeocoder(
      Vertx vertx,
      Pool pool,
      GeocodeConfig config,
      Clock clock,
      GeocoderLane lane,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.lane = lane;
    this.store = new GeocodeCacheStore(pool);
    this.memory =
        Caffeine.newBuilder()
            .maximumSize(config.memoryCacheSize())
            .executor(Runnable::run)
            .expireAfter(
                Expiry.creating(
                    (GeoKey k, Entry e) ->
                        Duration.between(clock.instant(), e.expiresAt()).isNegative()
                            ? Duration.ZERO
                            : Duration.between(clock.instant(), e.expiresAt())))
            .buildAsync();
    IngestMetrics metrics = new IngestMetrics(registry);
    this.hits = metrics.geocoderCache("hit");
    this.misses = metrics.geocoderCache("miss");
  }

  @Override
  // The callback completes the result itself; the stage whenComplete returns adds nothing.
  @SuppressWarnings("FutureReturnValueIgnored")
  public Future<GeocodeResult> lookup(double lat, double lng, Priority priority) {
    Context caller = vertx.getOrCreateContext();
    GeoKey key;
    try {
      key = GeoKey.of(lat, lng, config.precision());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(GeocodeResult.NONE);
    }
    if (key.lat().signum() == 0 && key.lng().signum() == 0) {
      // 0,0 is a tracker without a fix, not a place.
      return Future.succeededFuture(GeocodeResult.NONE);
    }
    CompletableFuture<Entry> known = memory.getIfPresent(key);
    if (known != null) {
      hits.increment();
    }
    CompletableFuture<Entry> entry =
        known != null
            ? known
            : memory.get(
                key, (k, executor) -> load(k, priority).toCompletionStage().toCompletableFuture());
    Promise<GeocodeResult> result = Promise.promise();
    entry.whenComplete(
        (e, err) ->
            caller.runOnContext(
                v -> result.tryComplete(e == null ? GeocodeResult.UNAVAILABLE : e.result())));
    if (priority == Priority.FRESH && !entry.isDone()) {
      // A fresh caller never waits longer than GEOCODE_MAX_WAIT; the lookup itself goes on and its
      // answer lands in the cache, where the backfill job finds it without another request.
      long timer =
          vertx.setTimer(
              Math.max(1, config.maxWait().toMillis()),
              id -> result.tryComplete(GeocodeResult.UNAVAILABLE));
      result.future().onComplete(ar -> vertx.cancelTimer(timer));
    }
    return result.future();
  }

  @Override
  public LaneState state() {
    return lane.state();
  }

  /**
   * Memory missed: the database, then (only on the lane's replica) Nominatim. Null = no answer now.
   */
  private Future<Entry> load(GeoKey key, Priority priority) {
    Instant now = clock.instant();
    return store
        .read(key, now)
        .recover(
            err -> {
              log.warn("geocoder: cache read failed for {}: {}", key, err.getMessage());
              return Future.succeededFuture(java.util.Optional.empty());
            })
        .compose(
            stored -> {
              if (stored.isPresent()) {
                hits.increment();
                return Future.succeededFuture(stored.get());
              }
              misses.increment();
              if (!lane.accepting()) {
                return Future.succeededFuture(null);
              }
              return lane.submit(key, priority).compose(answer -> remember(key, answer));
            })
        .otherwise(
            err -> {
              log.warn("geocoder: lookup of {} failed: {}", key, err.getMessage());
              return null;
            });
  }

  private Future<Entry> remember(GeoKey key, NominatimAnswer answer) {
    Instant now = clock.instant();
    Entry entry;
    JsonObject details;
    switch (answer) {
      case NominatimAnswer.Found found -> {
        entry = new Entry(GeocodeResult.found(found.displayName()), now.plus(config.cacheTtl()));
        details = found.details();
      }
      case NominatimAnswer.NoAddress none -> {
        entry = new Entry(GeocodeResult.NONE, now.plus(config.negativeCacheTtl()));
        details = new JsonObject().put("error", none.reason());
      }
      default -> {
        return Future.succeededFuture(null);
      }
    }
    return store
        .write(key, entry.result(), details, now, entry.expiresAt())
        .onFailure(
            err -> log.warn("geocoder: cache write failed for {}: {}", key, err.getMessage()))
        .transform(ar -> Future.succeededFuture(entry));
  }
}
