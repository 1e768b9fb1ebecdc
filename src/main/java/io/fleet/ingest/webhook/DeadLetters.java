package io.fleet.ingest.webhook;

import io.fleet.ingest.store.RejectedPush;
import io.fleet.ingest.store.RejectedPushWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The webhook's dead letters: push requests PostgreSQL refused for their own content, kept whole
 * (without the token) for an operator in tracksolid.rejected_pushes, through the store's {@link
 * RejectedPushWriter}; listed and counted for the operator's commands and /health.
 */
public final class DeadLetters {
  private static final RejectedPushWriter WRITER = new RejectedPushWriter();
  private static final String COUNT = "SELECT count(*) FROM tracksolid.rejected_pushes";
  private static final String LIST =
      """
      SELECT id, request_id::text AS request_id, path, received_at, rejected_at, sqlstate, message, items,
             body::text AS body
      FROM tracksolid.rejected_pushes WHERE ($1::bigint IS NULL OR id = $1) ORDER BY id LIMIT $2
      """;

  /** One dead letter as stored. */
  public record Entry(
      long id,
      String requestId,
      String path,
      Instant receivedAt,
      Instant rejectedAt,
      String sqlState,
      String message,
      int items,
      String body) {

    PushRequest request() {
      JsonObject json = new JsonObject(body);
      return PushRequest.fromJson(json);
    }
  }

  Future<Void> insert(SqlClient client, PushRequest request, String sqlState, String message) {
    return WRITER.insert(
        client,
        new RejectedPush(
            request.id(),
            request.path(),
            request.receivedAt(),
            sqlState,
            message,
            request.items().size(),
            request.toJson().encode()));
  }

  /** For a record the spool could not even read back as a request. */
  Future<Void> insertUnreadable(SqlClient client, JsonObject record, Instant now, String why) {
    String path =
        record.getValue("path") instanceof String p && PushKind.PATHS.contains(p) ? p : "unknown";
    String id =
        UUID.nameUUIDFromBytes(record.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString();
    return WRITER.insert(
        client, new RejectedPush(id, path, now, "unreadable", why, 0, record.encode()));
  }

  public static Future<Long> count(SqlClient client) {
    return client.query(COUNT).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** The oldest {@code limit} dead letters, or only the one with {@code id}. */
  public static Future<List<Entry>> list(SqlClient client, Long id, int limit) {
    return client
        .preparedQuery(LIST)
        .execute(Tuple.of(id, limit))
        .map(
            rows -> {
              List<Entry> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Entry(
                        r.getLong("id"),
                        r.getString("request_id"),
                        r.getString("path"),
                        instant(r.getOffsetDateTime("received_at")),
                        instant(r.getOffsetDateTime("rejected_at")),
                        r.getString("sqlstate"),
                        r.getString("message"),
                        r.getInteger("items"),
                        r.getString("body")));
              }
              return out;
            });
  }

  static Future<Void> delete(SqlClient client, long id) {
    return WRITER.delete(client, id);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
