package io.fleet.ingest.webhook;

import io.fleet.ingest.ingest.AlarmWriter;
import io.fleet.ingest.ingest.IngestMetrics;
import io.fleet.ingest.ingest.IngestionLogEntry;
import io.fleet.ingest.ingest.IngestionLogWriter;
import io.fleet.ingest.ingest.PositionWriter;
import io.fleet.ingest.ingest.PushMessageWriter;
import io.fleet.ingest.ingest.QuarantineWriter;
import io.fleet.ingest.ingest.Source;
import io.fleet.ingest.ingest.WriteResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;

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
  private final MeterRegistry registry;
  private final AlarmWriter alarms = new AlarmWriter();
  private final PositionWriter positions = new PositionWriter();
  private final PushMessageWriter raw = new PushMessageWriter();
  private final QuarantineWriter quarantine;
  private final IngestionLogWriter log = new IngestionLogWriter();
  private final IngestMetrics rows;

  /** What a committed request did. */
  record Outcome(int items, int accepted, int quarantined, WriteResult written) {
  }

  PushIngestor(Pool pool, Clock clock, ItemClassifier classifier, String instanceId, MeterRegistry registry) {
    this.pool = pool;
    this.clock = clock;
    this.classifier = classifier;
    this.instanceId = instanceId;
    this.registry = registry;
    this.quarantine = new QuarantineWriter(registry);
    this.rows = new IngestMetrics(registry);
  }

  Future<Outcome> ingest(PushRequest request) {
    Instant started = clock.instant();
    PushBatch batch;
    try {
      batch = classifier.classify(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    record Written(WriteResult typed, QuarantineWriter.Result quarantined) {
    }
    return pool.withTransaction(conn -> alarms.write(conn, batch.alarms(), Source.PUSH)
            .compose(a -> positions.write(conn, batch.positions()).map(a::plus))
            .compose(ap -> raw.write(conn, batch.raw()).map(ap::plus))
            .compose(typed -> quarantine.write(conn, batch.quarantine()).map(q -> new Written(typed, q)))
            .compose(w -> log.write(conn, new IngestionLogEntry(request.stream(), "", "push", null, null,
                batch.size(), w.typed().inserted(), w.typed().updated(), batch.quarantine().size(), started,
                clock.instant(), "ok", null, instanceId)).map(id -> w)))
        .map(w -> {
          quarantine.countCommitted(w.quarantined());
          rows.committed(request.stream(), w.typed(), batch.quarantine().size());
          count(request.path(), "accepted", batch.accepted());
          count(request.path(), "quarantined", batch.quarantine().size());
          return new Outcome(batch.size(), batch.accepted(), batch.quarantine().size(), w.typed());
        });
  }

  void count(String path, String outcome, int n) {
    Counter c = Counter.builder("tracksolid.webhook.items").description("Pushed items by outcome")
        .tag("path", path).tag("outcome", outcome).register(registry);
    if (n > 0) {
      c.increment(n);
    }
  }
}
