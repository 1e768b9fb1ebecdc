package io.fleet.ingest.webhook;

import io.fleet.ingest.store.AlarmWriter;
import io.fleet.ingest.store.IngestionLogEntry;
import io.fleet.ingest.store.IngestionLogWriter;
import io.fleet.ingest.store.PositionWriter;
import io.fleet.ingest.store.PushMessageWriter;
import io.fleet.ingest.store.QuarantineWriter;
import io.fleet.ingest.store.Source;
import io.fleet.ingest.store.WriteResult;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Writes push requests, one or a group of one stream, in one transaction: one round trip per
 * table that has rows, plus one ingestion_log row. Metrics move only after the commit, so a
 * rolled-back (then split, spooled or replayed) request is never counted twice.
 */
final class PushIngestor {
  private final Pool pool;
  private final Clock clock;
  private final ItemClassifier classifier;
  private final String instanceId;
  private final AlarmWriter alarms = new AlarmWriter();
  private final PositionWriter positions = new PositionWriter();
  private final PushMessageWriter raw = new PushMessageWriter();
  private final QuarantineWriter quarantine;
  private final IngestionLogWriter log = new IngestionLogWriter();
  private final IngestMetrics metrics;
  private final io.micrometer.core.instrument.Counter commits;
  private final java.util.Map<String, io.micrometer.core.instrument.Counter> itemCounters =
      new java.util.concurrent.ConcurrentHashMap<>();
  static final String COMMITS = "tracksolid.webhook.commits";

  /** What a committed request did. */
  record Outcome(int items, int accepted, int quarantined, WriteResult written) {
  }

  PushIngestor(Pool pool, Clock clock, ItemClassifier classifier, String instanceId, IngestMetrics metrics) {
    this.pool = pool;
    this.clock = clock;
    this.classifier = classifier;
    this.instanceId = instanceId;
    this.metrics = metrics;
    this.quarantine = new QuarantineWriter();
    this.commits = io.micrometer.core.instrument.Counter.builder(COMMITS)
        .description("Transactions that stored webhook requests (one or more requests each)")
        .register(metrics.registry());
  }

  /** A request with its items judged, ready to be written alone or in a group. */
  record Classified(PushRequest request, PushBatch batch, long bytes) {
  }

  /** Judges the items; a request that cannot be judged at all fails with {@link DbFailures.UnusableRequest}. */
  Classified classify(PushRequest request, long bytes) {
    try {
      return new Classified(request, classifier.classify(request), bytes);
    } catch (RuntimeException | StackOverflowError e) {
      // The class only: the message may quote an item.
      throw new DbFailures.UnusableRequest("the push items could not be judged: " + e.getClass().getName(), e);
    }
  }

  Future<Outcome> ingest(PushRequest request) {
    return ingest(request, conn -> Future.succeededFuture());
  }

  /**
   * As {@link #ingest(PushRequest)}, with {@code alsoInTransaction} run in the same transaction
   * (a dead-letter replay deletes its row there, so it is replayed exactly once).
   */
  Future<Outcome> ingest(PushRequest request, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    Classified one;
    try {
      one = classify(request, 0);
    } catch (DbFailures.UnusableRequest e) {
      return Future.failedFuture(e);
    }
    return write(List.of(one), alsoInTransaction);
  }

  /**
   * Writes a group of requests of ONE stream in one transaction: one statement per table for all
   * of them (duplicates across requests merged, the earlier request's item kept) and one
   * ingestion_log row with the number of requests in its detail.
   */
  Future<Outcome> write(List<Classified> group, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    Instant started = clock.instant();
    String stream = group.get(0).request().stream();
    PushBatch batch = PushBatch.empty();
    for (Classified c : group) {
      if (!c.request().stream().equals(stream)) {
        throw new IllegalArgumentException("one stream per group");
      }
      batch.alarms().addAll(c.batch().alarms());
      batch.positions().addAll(c.batch().positions());
      batch.raw().addAll(c.batch().raw());
      batch.quarantine().addAll(c.batch().quarantine());
    }
    JsonObject detail = new JsonObject().put("requests", group.size());
    record Written(WriteResult typed, QuarantineWriter.Result quarantined) {
    }
    return pool.withTransaction(conn -> alarms.write(conn, batch.alarms(), Source.PUSH)
            .compose(a -> positions.write(conn, batch.positions()).map(a::plus))
            .compose(ap -> raw.write(conn, batch.raw()).map(ap::plus))
            .compose(typed -> quarantine.write(conn, batch.quarantine()).map(q -> new Written(typed, q)))
            .compose(w -> log.write(conn, new IngestionLogEntry(stream, "", "push", null, null,
                batch.size(), w.typed().inserted(), w.typed().updated(), batch.quarantine().size(), started,
                clock.instant(), "ok", null, instanceId), detail).map(id -> w))
            .compose(w -> alsoInTransaction.apply(conn).map(v -> w)))
        .map(w -> {
          metrics.quarantined(w.quarantined());
          metrics.committed(stream, w.typed(), batch.quarantine().size());
          for (Classified c : group) {
            count(c.request().path(), "accepted", c.batch().accepted());
            count(c.request().path(), "quarantined", c.batch().quarantine().size());
          }
          commits.increment();
          return new Outcome(batch.size(), batch.accepted(), batch.quarantine().size(), w.typed());
        });
  }

  void count(String path, String outcome, int n) {
    // Looked up once per series: this runs for every request.
    IngestMetrics.add(itemCounters.computeIfAbsent(path + "\0" + outcome, k -> metrics.webhookItems(path, outcome)),
        n);
  }
}
