package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps pushed items without a typed table whole in tracksolid.push_messages, in ONE round trip per
 * batch; item_hash (type + canonical JSON) makes a re-delivered item land once.
 */
public final class PushMessageWriter {
  private static final String INSERT =
      """
      INSERT INTO tracksolid.push_messages (msg_type, imei, event_time, item, item_hash)
      SELECT u.msg_type, u.imei, u.event_time, u.item::jsonb, u.item_hash
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
        AS u(msg_type, imei, event_time, item, item_hash)
      ON CONFLICT (item_hash) DO NOTHING
      RETURNING 1
      """;

  private record Hashed(String hash, RawPushMessage message) {}

  private static final Columns<Hashed> COLUMNS =
      Columns.<Hashed>of()
          .text(h -> h.message().msgType())
          .text(h -> h.message().imei())
          .time(h -> h.message().eventTime())
          .jsonb(h -> h.message().item())
          .text(Hashed::hash);

  public Future<WriteResult> write(SqlClient client, Collection<RawPushMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(WriteResult.NONE);
    }
    // Sorted by key, so two batches that share keys lock them in the same order and cannot
    // deadlock.
    List<Hashed> sorted =
        messages.stream()
            .map(m -> new Hashed(m.itemHash(), m))
            .sorted(Comparator.comparing(Hashed::hash))
            .toList();
    int n = sorted.size();
    return client
        .preparedQuery(INSERT)
        .execute(COLUMNS.bind(sorted))
        .map(rows -> new WriteResult(rows.size(), 0, n - rows.size()));
  }
}
