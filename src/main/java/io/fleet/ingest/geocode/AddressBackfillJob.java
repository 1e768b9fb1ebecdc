package io.fleet.ingest.geocode;

import io.fleet.ingest.config.GeocodeConfig;
import io.fleet.ingest.geocode.Geocoder.Priority;
import io.fleet.ingest.store.AddressReset;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives rows stored without an address (lane paused, full, or on another replica) their address
 * later, through the lane at backfill priority. A row is done once every missing point got a
 * definite answer: {@code address_attempted_at} is then set and the row is never selected again, so
 * no row is looked up twice. A row not settled (a lookup failed, or a point has no coordinates yet)
 * counts the try and waits out a growing backoff ({@code address_tries}, {@code address_retry_at})
 * so it cannot crowd older rows out of the batch; the writers reopen a row whose point moved
 * ({@link AddressReset} owns that rule and the pending predicate). Existing addresses are never
 * overwritten. Each SELECT and UPDATE is a short statement of its own; nothing is held while
 * lookups wait.
 */
public final class AddressBackfillJob {
  private static final Logger log = LoggerFactory.getLogger(AddressBackfillJob.class);

  /**
   * Counts of one run, per row: filled (got at least one address), settled (definite), left (try
   * later).
   */
  public record Summary(int selected, int filled, int settled, int left) {
    Summary plus(Summary o) {
      return new Summary(
          selected + o.selected, filled + o.filled, settled + o.settled, left + o.left);
    }
  }

  private static final List<BackfillTarget> TARGETS =
      AddressReset.TABLES.stream().map(BackfillTarget::new).toList();

  /** The backfill's SELECT per table, for tests that check its plan. */
  static List<String> selects() {
    return TARGETS.stream().map(BackfillTarget::select).toList();
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Geocoder geocoder;
  private final GeocodeConfig config;
  private final Clock clock;
  private long timer = -1;
  private boolean running;
  private Future<Summary> current = Future.succeededFuture(new Summary(0, 0, 0, 0));

  public AddressBackfillJob(
      Vertx vertx, Pool pool, Geocoder geocoder, GeocodeConfig config, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.geocoder = geocoder;
    this.config = config;
    this.clock = clock;
  }

  public void start() {
    timer =
        vertx.setPeriodic(
            Math.max(1, config.backfillInterval().toMillis()),
            id -> {
              // Only the lane's replica backfills, and not while Nominatim has told us to pause.
              if (!running && geocoder.state().running()) {
                runOnce();
              }
            });
  }

  /** Lets a running pass finish its current statements; queued lookups end with the lane. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return current.<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** One pass over every table: a batch each, newest first, within the lookback. */
  public Future<Summary> runOnce() {
    running = true;
    Instant cutoff = clock.instant().minus(config.backfillLookback());
    Future<Summary> chain = Future.succeededFuture(new Summary(0, 0, 0, 0));
    for (BackfillTarget target : TARGETS) {
      chain = chain.compose(sum -> runTarget(target, cutoff).map(sum::plus));
    }
    current =
        chain
            .onSuccess(
                s -> {
                  if (s.selected() > 0) {
                    log.info(
                        "address backfill: {} rows looked at, {} got an address, {} settled, {} left for later",
                        s.selected(),
                        s.filled(),
                        s.settled(),
                        s.left());
                  }
                })
            .onFailure(e -> log.warn("address backfill failed: {}", e.getMessage()))
            .onComplete(ar -> running = false);
    return current;
  }

  private Future<Summary> runTarget(BackfillTarget target, Instant cutoff) {
    return pool.preparedQuery(target.select())
        .execute(Tuple.of(utc(cutoff), config.backfillBatch(), utc(clock.instant())))
        .compose(
            rows -> {
              List<Future<Summary>> done = new ArrayList<>();
              for (Row row : rows) {
                done.add(fill(target, row));
              }
              return Future.all(done)
                  .map(
                      all -> {
                        Summary sum = new Summary(0, 0, 0, 0);
                        for (int i = 0; i < done.size(); i++) {
                          sum = sum.plus(all.resultAt(i));
                        }
                        return sum;
                      });
            });
  }

  private Future<Summary> fill(BackfillTarget target, Row row) {
    int n = target.keys().size();
    List<Future<GeocodeResult>> lookups = new ArrayList<>();
    for (int i = 0; i < target.points().size(); i++) {
      int base = n + 3 * i;
      Double lat = row.getDouble(base);
      Double lng = row.getDouble(base + 1);
      String existing = row.getString(base + 2);
      // A point without coordinates yet (the reconcile pass may fill them later) is not settled:
      // counting it as settled would stamp the row and never give that point its address.
      lookups.add(
          existing != null
              ? Future.succeededFuture(null)
              : lat == null || lng == null
                  ? Future.succeededFuture(GeocodeResult.UNAVAILABLE)
                  : geocoder.lookup(lat, lng, Priority.BACKFILL));
    }
    return Future.join(lookups)
        .transform(
            ignored -> {
              Tuple params = Tuple.tuple();
              for (int i = 0; i < n; i++) {
                params.addValue(row.getValue(i));
              }
              boolean definite = true;
              boolean any = false;
              for (Future<GeocodeResult> f : lookups) {
                GeocodeResult r = f.succeeded() ? f.result() : GeocodeResult.UNAVAILABLE;
                definite &= r == null || r.definite();
                String address = r == null ? null : r.address().orElse(null);
                any |= address != null;
                params.addValue(address);
              }
              Instant now = clock.instant();
              params.addValue(definite ? utc(now) : null).addValue(utc(now));
              if (definite) {
                params.addValue(null).addValue(null);
              } else {
                // Not settled (lookup failed, or a point has no coordinates yet): count the try and
                // back off.
                Short before = row.getShort(n + 3 * target.points().size());
                int tries = Math.min(before == null ? 1 : before + 1, Short.MAX_VALUE);
                params.addValue((short) tries).addValue(utc(now.plus(retryDelay(tries))));
              }
              for (int i = 0; i < target.points().size(); i++) {
                params.addValue(row.getDouble(n + 3 * i)).addValue(row.getDouble(n + 3 * i + 1));
              }
              boolean filled = any;
              boolean settled = definite;
              return pool.preparedQuery(target.update())
                  .execute(params)
                  .map(
                      r ->
                          r.rowCount() == 0
                              ? new Summary(
                                  1, 0, 0,
                                  1) // moved meanwhile: the next pass looks up the new point
                              : new Summary(1, filled ? 1 : 0, settled ? 1 : 0, settled ? 0 : 1));
            });
  }

  /** The backfill interval, doubled per failed try up to 64 times it. */
  private java.time.Duration retryDelay(int tries) {
    return config.backfillInterval().multipliedBy(1L << Math.min(tries - 1, 6));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
