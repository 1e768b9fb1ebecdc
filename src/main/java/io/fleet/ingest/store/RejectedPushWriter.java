package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The one writer of tracksolid.rejected_pushes (the webhook's dead letters). A request lands once,
 * however often it is refused: the request id is unique. A replay deletes its row in the replay's
 * own transaction, so it is replayed exactly once.
 */
public final class RejectedPushWriter {
  private static final String INSERT =
      """
      INSERT INTO tracksolid.rejected_pushes (request_id, path, received_at, sqlstate, message, items, body)
      VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::text::json)
      ON CONFLICT (request_id) DO NOTHING
      """;
  private static final String DELETE = "DELETE FROM tracksolid.rejected_pushes WHERE id = $1";

  public Future<Void> insert(SqlClient client, RejectedPush push) {
    Tuple params =
        Tuple.of(
            push.requestId(),
            push.path(),
            Sql.utc(push.receivedAt()),
            push.sqlState(),
            Sql.detail(push.message()),
            push.items(),
            push.body());
    return client.preparedQuery(INSERT).execute(params).mapEmpty();
  }

  public Future<Void> delete(SqlClient client, long id) {
    return client.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
  }
}
