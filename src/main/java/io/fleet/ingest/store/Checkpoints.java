package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The high-water marks in tracksolid.checkpoints. {@link #advance} runs inside the caller's write
 * transaction, so a checkpoint can never get ahead of the rows it vouches for, and it never moves
 * backwards: a slow replica finishing an older window cannot undo a newer one.
 */
public final class Checkpoints {
  private static final String READ =
      "SELECT position, state FROM tracksolid.checkpoints WHERE account = $1 AND endpoint = $2";
  private static final String ADVANCE =
      """
      INSERT INTO tracksolid.checkpoints AS c (account, endpoint, position, state, updated_at)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (account, endpoint) DO UPDATE
        SET position = GREATEST(c.position, EXCLUDED.position),
            state = c.state || EXCLUDED.state,
            updated_at = EXCLUDED.updated_at""";

  public record Mark(Instant position, JsonObject state) {}

  private Checkpoints() {}

  public static Future<Optional<Mark>> read(SqlClient client, String account, String endpoint) {
    return client
        .preparedQuery(READ)
        .execute(Tuple.of(account, endpoint))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              Object state = row.getValue("state");
              JsonObject json =
                  state instanceof JsonObject j ? j : new JsonObject(String.valueOf(state));
              return Optional.of(new Mark(row.getOffsetDateTime("position").toInstant(), json));
            });
  }

  public static Future<Void> advance(
      SqlClient client,
      String account,
      String endpoint,
      Instant position,
      JsonObject state,
      Instant now) {
    return client
        .preparedQuery(ADVANCE)
        .execute(Tuple.of(account, endpoint, utc(position), state, utc(now)))
        .mapEmpty();
  }

  /** Forgets a progress mark (a backfill asked for a different range starts over). */
  public static Future<Void> reset(SqlClient client, String account, String endpoint) {
    return client
        .preparedQuery("DELETE FROM tracksolid.checkpoints WHERE account = $1 AND endpoint = $2")
        .execute(Tuple.of(account, endpoint))
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
