package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps pushed items without a typed table whole in tracksolid.push_messages, in ONE round trip
 * per batch; item_hash (type + canonical JSON) makes a re-delivered item land once.
 */
public final class PushMessageWriter {
  private static final String INSERT = """
      INSERT INTO tracksolid.push_messages (msg_type, imei, event_time, item, item_hash)
      SELECT u.msg_type, u.imei, u.event_time, u.item::jsonb, u.item_hash
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
        AS u(msg_type, imei, event_time, item, item_hash)
      ON CONFLICT (item_hash) DO NOTHING
      RETURNING 1
      """;

  public Future<WriteResult> write(SqlClient client, Collection<RawPushMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(WriteResult.NONE);
    }
    // Sorted by key, so two batches that share keys lock them in the same order and cannot deadlock.
    record Hashed(String hash, RawPushMessage message) {
    }
    List<Hashed> sorted = messages.stream().map(m -> new Hashed(m.itemHash(), m))
        .sorted(Comparator.comparing(Hashed::hash)).toList();
    int n = sorted.size();
    String[] type = new String[n];
    String[] imei = new String[n];
    OffsetDateTime[] time = new OffsetDateTime[n];
    String[] item = new String[n];
    String[] hash = new String[n];
    int i = 0;
    for (Hashed h : sorted) {
      RawPushMessage m = h.message();
      type[i] = Sql.text(m.msgType());
      imei[i] = Sql.text(m.imei());
      time[i] = Sql.utc(m.eventTime());
      item[i] = Sql.jsonb(m.item());
      hash[i] = h.hash();
      i++;
    }
    Tuple params = Tuple.tuple().addValue(type).addValue(imei).addValue(time).addValue(item).addValue(hash);
    return client.preparedQuery(INSERT).execute(params)
        .map(rows -> new WriteResult(rows.size(), 0, n - rows.size()));
  }
}
