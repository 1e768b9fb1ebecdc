package io.fleet.ingest.webhook;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one push request on its own (a spool replay, or a request a group commit isolated) and
 * decides whose fault a refusal is. A failure that repeats for this request while the database
 * answers other statements is the request's own: it goes whole to the dead-letter table
 * (tracksolid.rejected_pushes) and counts as handled, so it never blocks the requests behind it.
 * Only a database that does not answer fails the returned future; the caller then keeps the request
 * in the spool.
 */
final class PushDelivery {
  private static final Logger log = LoggerFactory.getLogger(PushDelivery.class);

  enum Result {
    STORED,
    DEAD_LETTERED
  }

  private final Pool pool;
  private final PushIngestor ingestor;
  private final DeadLetters deadLetters = new DeadLetters();

  PushDelivery(Pool pool, PushIngestor ingestor) {
    this.pool = pool;
    this.ingestor = ingestor;
  }

  Future<Result> deliver(PushRequest request) {
    return ingestor
        .ingest(request)
        .map(Result.STORED)
        .recover(
            first -> {
              if (DbFailures.unusable(first)) {
                return deadLetter(request, first);
              }
              if (DbFailures.unreachable(first)) {
                return Future.failedFuture(first);
              }
              // Refused. Whose fault? Ask the database something else, then this request once more.
              return pool.query("SELECT 1")
                  .execute()
                  .compose(ok -> ingestor.ingest(request).map(Result.STORED))
                  .recover(
                      second ->
                          DbFailures.unavailable(second)
                              ? Future.failedFuture(second)
                              : deadLetter(request, second));
            });
  }

  /** A spooled record that cannot even be read back as a request: kept as it is. */
  Future<Void> deadLetterUnreadable(
      io.vertx.core.json.JsonObject record, java.time.Instant now, String why) {
    return deadLetters
        .insertUnreadable(pool, record, now, why)
        .onSuccess(v -> log.warn("unreadable spool record kept in tracksolid.rejected_pushes"));
  }

  private Future<Result> deadLetter(PushRequest request, Throwable why) {
    String code = DbFailures.code(why);
    return deadLetters
        .insert(pool, request, code, DbFailures.message(why))
        .map(
            v -> {
              // The SQLSTATE and ids only: PostgreSQL's message may quote a value from the body.
              log.warn(
                  "push request {} to /{} refused for its content (SQLSTATE {}): kept in tracksolid.rejected_pushes",
                  request.id(),
                  request.path(),
                  code);
              ingestor.count(request.path(), "dead_lettered", request.items().size());
              return Result.DEAD_LETTERED;
            });
  }
}
