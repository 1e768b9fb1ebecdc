package io.fleet.ingest.store;

import io.fleet.ingest.store.DeviceContactWriter.DeviceContact;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps pushed items without a typed table whole in tracksolid.push_messages, in ONE round trip per
 * batch; item_hash (type + canonical JSON) makes a re-delivered item land once. It hands back the
 * heartbeats among the rows it inserted, for the caller to record as device contact in the same
 * transaction ({@link DeviceContactWriter#writeHeartbeats}).
 */
public final class PushMessageWriter {
  // A heartbeat is any type naming one (pushhb, or an OpenAPI name with "heartbeat"); without an
  // event time it was heard when it was stored.
  private static final String INSERT =
      """
      INSERT INTO tracksolid.push_messages (msg_type, imei, event_time, item, item_hash)
      SELECT u.msg_type, u.imei, u.event_time, u.item::jsonb, u.item_hash
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
        AS u(msg_type, imei, event_time, item, item_hash)
      ON CONFLICT (item_hash) DO NOTHING
      RETURNING imei, COALESCE(event_time, received_at) AS heard_at, received_at,
                imei IS NOT NULL AND (msg_type ILIKE '%hb%' OR msg_type ILIKE '%heartbeat%') AS heartbeat
      """;

  private record Hashed(String hash, RawPushMessage message) {}

  private static final Columns<Hashed> COLUMNS =
      Columns.<Hashed>of()
          .text(h -> h.message().msgType())
          .text(h -> h.message().imei())
          .time(h -> h.message().eventTime())
          .jsonb(h -> h.message().item())
          .text(Hashed::hash);

  /**
   * What a batch stored.
   *
   * @param heartbeats the contact each inserted heartbeat tells of; a re-delivered one tells
   *     nothing new
   * @param receivedAt when the rows were stored (push_messages.received_at); null when none was
   */
  public record Stored(WriteResult result, List<DeviceContact> heartbeats, Instant receivedAt) {
    static final Stored NONE = new Stored(WriteResult.NONE, List.of(), null);
  }

  public Future<Stored> write(SqlClient client, Collection<RawPushMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(Stored.NONE);
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
        .map(
            rows -> {
              List<DeviceContact> heartbeats = new ArrayList<>();
              Instant receivedAt = null;
              for (Row r : rows) {
                receivedAt = r.getOffsetDateTime("received_at").toInstant();
                if (Boolean.TRUE.equals(r.getBoolean("heartbeat"))) {
                  heartbeats.add(
                      new DeviceContact(
                          r.getString("imei"),
                          null,
                          r.getOffsetDateTime("heard_at").toInstant(),
                          null));
                }
              }
              return new Stored(
                  new WriteResult(rows.size(), 0, n - rows.size()),
                  List.copyOf(heartbeats),
                  receivedAt);
            });
  }
}
