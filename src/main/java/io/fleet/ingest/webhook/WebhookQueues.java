package io.fleet.ingest.webhook;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * For the operator: what waits in a spool directory and in the dead-letter table, and the replay of
 * dead letters once the cause is fixed. Each replayed dead letter is stored and deleted in one
 * transaction, so it lands exactly once; one that is still refused stays where it is.
 */
public final class WebhookQueues {
  private WebhookQueues() {}

  /** One spool segment as found on disk. */
  public record SegmentInfo(
      String file, long bytes, int requests, int items, Instant oldest, Instant newest) {}

  /**
   * What a spool directory holds, read without taking its lock (the service may be running).
   * Blocking.
   */
  public record SpoolInfo(
      Path dir,
      Optional<String> database,
      Optional<String> systemIdentifier,
      List<SegmentInfo> segments) {}

  /** What a replay did with each dead letter it tried. */
  public record Replayed(long id, String path, int items, boolean stored, String sqlState) {}

  public static SpoolInfo spool(Path dir) throws IOException {
    List<SegmentInfo> segments = new ArrayList<>();
    for (Path p : Spool.segments(dir)) {
      Spool.Segment s = SpoolFormat.read(p);
      int items = 0;
      Instant oldest = null;
      Instant newest = null;
      for (JsonObject record : s.records()) {
        items += record.getJsonArray("items", new io.vertx.core.json.JsonArray()).size();
        try {
          Instant t = Instant.parse(record.getString("receivedAt"));
          oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
          newest = newest == null || t.isAfter(newest) ? t : newest;
        } catch (RuntimeException unreadable) {
          // listed all the same; the replay deals with it
        }
      }
      segments.add(
          new SegmentInfo(
              p.getFileName().toString(), s.bytes(), s.records().size(), items, oldest, newest));
    }
    Optional<SpoolIdentity> identity = SpoolIdentity.read(dir);
    return new SpoolInfo(
        dir,
        identity.map(SpoolIdentity::database),
        identity.map(SpoolIdentity::systemIdentifier),
        segments);
  }

  public static Future<List<DeadLetters.Entry>> deadLetters(
      ServiceContext context, Long id, int limit) {
    return DeadLetters.list(context.pool(), id, limit);
  }

  /**
   * Replays the oldest {@code limit} dead letters (or only {@code id}), one transaction each, in
   * order.
   */
  public static Future<List<Replayed>> replay(ServiceContext context, Long id, int limit) {
    TimestampGuard guard = new TimestampGuard(context.config().ingest(), context.clock());
    PushIngestor ingestor =
        new PushIngestor(
            context.pool(),
            context.clock(),
            new ItemClassifier(guard, context.config().webhook().maxDepth()),
            context.instanceId(),
            new IngestMetrics(context.registry()));
    return DeadLetters.list(context.pool(), id, limit)
        .compose(
            entries -> {
              List<Replayed> done = new ArrayList<>();
              Future<Void> chain = Future.succeededFuture();
              for (DeadLetters.Entry entry : entries) {
                chain =
                    chain.compose(
                        v ->
                            replayOne(ingestor, entry)
                                .map(
                                    r -> {
                                      done.add(r);
                                      return null;
                                    }));
              }
              return chain.map(v -> done);
            });
  }

  private static Future<Replayed> replayOne(PushIngestor ingestor, DeadLetters.Entry entry) {
    PushRequest request;
    try {
      request = entry.request();
    } catch (RuntimeException unreadable) {
      return Future.succeededFuture(
          new Replayed(entry.id(), entry.path(), entry.items(), false, "unreadable"));
    }
    return ingestor
        .ingest(request, conn -> DeadLetters.delete(conn, entry.id()))
        .map(o -> new Replayed(entry.id(), entry.path(), entry.items(), true, null))
        .recover(
            err ->
                Future.succeededFuture(
                    new Replayed(
                        entry.id(), entry.path(), entry.items(), false, DbFailures.code(err))));
  }
}
