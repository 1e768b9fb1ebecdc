package io.fleet.ingest.webhook;

import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.store.AlarmWriter;
import io.fleet.ingest.store.DeviceContactWriter;
import io.fleet.ingest.store.PositionWriter;
import io.fleet.ingest.store.PushMessageWriter;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.Source;
import io.fleet.ingest.store.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Writes push requests, one or a group of one stream, through the one run transaction ({@link
 * IngestRun}): one round trip per table that has rows, plus one ingestion_log row. Metrics move
 * only after the commit, so a rolled-back (then split, spooled or replayed) request is never
 * counted twice.
 */
final class PushIngestor {
  private final Clock clock;
  private final ItemClassifier classifier;
  private final AlarmWriter alarms = new AlarmWriter();
  private final PositionWriter positions = new PositionWriter();
  private final PushMessageWriter raw = new PushMessageWriter();
  private final DeviceContactWriter contacts = new DeviceContactWriter();
  private final IngestRun ingestRun;
  private final IngestMetrics metrics;
  private final io.micrometer.core.instrument.Counter commits;
  private final java.util.Map<String, io.micrometer.core.instrument.Counter> itemCounters =
      new java.util.concurrent.ConcurrentHashMap<>();
  static final String COMMITS = "tracksolid.webhook.commits";

  /** What a committed request did. */
  record Outcome(int items, int accepted, int quarantined, WriteResult written) {}

  PushIngestor(
      Pool pool, Clock clock, ItemClassifier classifier, String instanceId, IngestMetrics metrics) {
    this.clock = clock;
    this.classifier = classifier;
    this.metrics = metrics;
    this.ingestRun = new IngestRun(pool, clock, metrics, instanceId);
    this.commits =
        io.micrometer.core.instrument.Counter.builder(COMMITS)
            .description("Transactions that stored webhook requests (one or more requests each)")
            .register(metrics.registry());
  }

  /** A request with its items judged, ready to be written alone or in a group. */
  record Classified(PushRequest request, PushBatch batch, long bytes) {}

  /**
   * Judges the items; a request that cannot be judged at all fails with {@link
   * DbFailures.UnusableRequest}.
   */
  Classified classify(PushRequest request, long bytes) {
    try {
      return new Classified(request, classifier.classify(request), bytes);
    } catch (RuntimeException | StackOverflowError e) {
      // The class only: the message may quote an item.
      throw new DbFailures.UnusableRequest(
          "the push items could not be judged: " + e.getClass().getName(), e);
    }
  }

  Future<Outcome> ingest(PushRequest request) {
    return ingest(request, conn -> Future.succeededFuture());
  }

  /**
   * As {@link #ingest(PushRequest)}, with {@code alsoInTransaction} run in the same transaction (a
   * dead-letter replay deletes its row there, so it is replayed exactly once).
   */
  Future<Outcome> ingest(
      PushRequest request, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    Classified one;
    try {
      one = classify(request, 0);
    } catch (DbFailures.UnusableRequest e) {
      return Future.failedFuture(e);
    }
    return write(List.of(one), alsoInTransaction);
  }

  /**
   * Writes a group of requests of ONE stream in one transaction: one statement per table for all of
   * them (duplicates across requests merged, the earlier request's item kept) and one ingestion_log
   * row with the number of requests in its detail.
   */
  Future<Outcome> write(
      List<Classified> group, Function<SqlConnection, Future<Void>> alsoInTransaction) {
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
    IngestRun.Run run = new IngestRun.Run(stream, "", RunKind.PUSH, null, null, started);
    IngestRun.Commit commit =
        IngestRun.Commit.of(
                run,
                batch.size(),
                batch.quarantine(),
                conn ->
                    alarms
                        .write(conn, batch.alarms(), Source.PUSH)
                        .compose(a -> positions.write(conn, batch.positions()).map(a::plus))
                        .compose(ap -> raw(conn, batch).map(ap::plus))
                        .compose(typed -> alsoInTransaction.apply(conn).map(typed)))
            .withDetail(new JsonObject().put("requests", group.size()));
    return ingestRun
        .commit(commit)
        .map(
            committed -> {
              for (Classified c : group) {
                count(c.request().path(), "accepted", c.batch().accepted());
                count(c.request().path(), "quarantined", c.batch().quarantine().size());
              }
              commits.increment();
              return new Outcome(
                  batch.size(), batch.accepted(), batch.quarantine().size(), committed.written());
            });
  }

  /**
   * The untyped items, and the contact the heartbeats among them tell of (tracksolid.device_state),
   * in the same transaction: a device is heard exactly when its heartbeat is stored.
   */
  private Future<WriteResult> raw(SqlConnection conn, PushBatch batch) {
    return raw.write(conn, batch.raw())
        .compose(
            stored ->
                contacts
                    .writeHeartbeats(conn, stored.heartbeats(), stored.receivedAt())
                    .map(stored.result()));
  }

  void count(String path, String outcome, int n) {
    // Looked up once per series: this runs for every request.
    IngestMetrics.add(
        itemCounters.computeIfAbsent(
            path + "\0" + outcome, k -> metrics.webhookItems(path, outcome)),
        n);
  }
}
