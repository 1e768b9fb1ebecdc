package io.fleet.ingest.webhook;

import io.fleet.ingest.ingest.AlarmWriter;
import io.fleet.ingest.ingest.IngestionLogEntry;
import io.fleet.ingest.ingest.IngestionLogWriter;
import io.fleet.ingest.ingest.PositionWriter;
import io.fleet.ingest.ingest.PushMessageWriter;
import io.fleet.ingest.ingest.QuarantineWriter;
import io.fleet.ingest.ingest.Source;
import io.fleet.ingest.ingest.WriteResult;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * Writes one push request in one transaction: one round trip per table that has rows, plus its
 * ingestion_log row. Metrics move only after the commit, so a rolled-back (then spooled and
 * replayed) request is never counted twice.
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

  /** What a committed request did. */
  record Outcome(int items, int accepted, int quarantined, WriteResult written) {
  }

  PushIngestor(Pool pool, Clock clock, ItemClassifier classifier, String instanceId, IngestMetrics metrics) {
    this.pool = pool;
    this.clock = clock;
    this.classifier = classifier;
    this.instanceId = instanceId;
    this.metrics = metrics;
    this.quarantine = new QuarantineWriter(metrics.registry());
  }

  Future<Outcome> ingest(PushRequest request) {
    return ingest(request, conn -> Future.succeededFuture());
  }

  /**
   * As {@link #ingest(PushRequest)}, with {@code alsoInTransaction} run in the same transaction
   * (a dead-letter replay deletes its row there, so it is replayed exactly once).
   */
  Future<Outcome> ingest(PushRequest request, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    Instant started = clock.instant();
    PushBatch batch;
    try {
      batch = classifier.classify(request);
    } catch (RuntimeException | StackOverflowError e) {
      // The class only: the message may quote an item.
      return Future.failedFuture(new DbFailures.UnusableRequest("the push items could not be judged: "
          + e.getClass().getName(), e));
    }
    record Written(WriteResult typed, QuarantineWriter.Result quarantined) {
    }
    return pool.withTransaction(conn -> alarms.write(conn, batch.alarms(), Source.PUSH)
            .compose(a -> positions.write(conn, batch.positions()).map(a::plus))
            .compose(ap -> raw.write(conn, batch.raw()).map(ap::plus))
            .compose(typed -> quarantine.write(conn, batch.quarantine()).map(q -> new Written(typed, q)))
            .compose(w -> log.write(conn, new IngestionLogEntry(request.stream(), "", "push", null, null,
                batch.size(), w.typed().inserted(), w.typed().updated(), batch.quarantine().size(), started,
                clock.instant(), "ok", null, instanceId)).map(id -> w))
            .compose(w -> alsoInTransaction.apply(conn).map(v -> w)))
        .map(w -> {
          quarantine.countCommitted(w.quarantined());
          metrics.committed(request.stream(), w.typed(), batch.quarantine().size());
          count(request.path(), "accepted", batch.accepted());
          count(request.path(), "quarantined", batch.quarantine().size());
          return new Outcome(batch.size(), batch.accepted(), batch.quarantine().size(), w.typed());
        });
  }

  void count(String path, String outcome, int n) {
    IngestMetrics.add(metrics.webhookItems(path, outcome), n);
  }
}
