package io.fleet.ingest.poll;

import io.fleet.ingest.store.Checkpoints;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The short reads a poll plan is made from, on the pool and outside any transaction. */
final class PollReads {
  private static final String ACTIVE_IMEIS =
      "SELECT imei FROM tracksolid.devices WHERE account = $1 AND active ORDER BY imei";

  private final Pool pool;
  private final Duration lookback;

  PollReads(Pool pool, Duration lookback) {
    this.pool = pool;
    this.lookback = lookback;
  }

  /** The checkpoints, where stored data ends and the active devices, as of {@code now}. */
  Future<PollPlan.Inputs> inputs(String account, Endpoint endpoint, Instant now) {
    return Checkpoints.read(pool, account, endpoint.key())
        .compose(
            main ->
                Checkpoints.read(pool, account, endpoint.reconcileKey())
                    .compose(
                        reconcile ->
                            start(account, endpoint, main, now)
                                .compose(
                                    start ->
                                        activeImeis(account)
                                            .map(
                                                active ->
                                                    new PollPlan.Inputs(
                                                        main, reconcile, start, active, now)))));
  }

  /** The stored checkpoint, else the newest row already stored, else now − lookback. */
  private Future<Instant> start(
      String account, Endpoint endpoint, Optional<Checkpoints.Mark> mark, Instant now) {
    if (mark.isPresent()) {
      return Future.succeededFuture(mark.get().position());
    }
    Instant fallback = now.minus(lookback);
    return pool.preparedQuery(newestSql(endpoint))
        .execute(Tuple.of(account))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              return row.getOffsetDateTime(0) == null
                  ? fallback
                  : row.getOffsetDateTime(0).toInstant();
            });
  }

  private static String newestSql(Endpoint endpoint) {
    return switch (endpoint) {
      // Pushed alarms arrive live and say nothing about how far polling has got.
      case ALARMS ->
          "SELECT max(alarm_time) FROM tracksolid.alarms WHERE account = $1 AND seen_by_poll";
      case TRIPS -> "SELECT max(start_time) FROM tracksolid.trips WHERE account = $1";
      case PARKING -> "SELECT max(start_time) FROM tracksolid.parking WHERE account = $1";
      default -> throw new IllegalArgumentException("not windowed: " + endpoint);
    };
  }

  Future<List<String>> activeImeis(String account) {
    return pool.preparedQuery(ACTIVE_IMEIS)
        .execute(Tuple.of(account))
        .map(
            rows -> {
              List<String> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getString(0)));
              return out;
            });
  }
}
