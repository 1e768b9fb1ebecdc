package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/** Appends one row to tracksolid.ingestion_log; returns its id. */
public final class IngestionLogWriter {
  private static final String INSERT =
      """
      INSERT INTO tracksolid.ingestion_log
        (stream, account, run_kind, window_start, window_end, rows_fetched, rows_inserted, rows_updated,
         rows_rejected, started_at, finished_at, duration_ms, status, error, instance_id, detail,
         rows_deleted)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::text::jsonb, $17)
      RETURNING id
      """;

  public Future<Long> write(SqlClient client, IngestionLogEntry e) {
    return write(client, e, null);
  }

  /** With {@code detail} in the jsonb column (e.g. how many push requests a commit held). */
  public Future<Long> write(
      SqlClient client, IngestionLogEntry e, io.vertx.core.json.JsonObject detail) {
    long durationMs = Math.max(0, Duration.between(e.startedAt(), e.finishedAt()).toMillis());
    Tuple params =
        Tuple.tuple()
            .addValue(Sql.text(e.stream()))
            .addValue(Sql.text(e.account()))
            .addValue(e.runKind().column())
            .addValue(Sql.utc(e.windowStart()))
            .addValue(Sql.utc(e.windowEnd()))
            .addValue(Math.max(0, e.rowsFetched()))
            .addValue(Math.max(0, e.rowsInserted()))
            .addValue(Math.max(0, e.rowsUpdated()))
            .addValue(Math.max(0, e.rowsRejected()))
            .addValue(Sql.utc(e.startedAt()))
            .addValue(Sql.utc(e.finishedAt()))
            .addValue(durationMs)
            .addValue(e.status().column())
            .addValue(Sql.text(e.error()))
            .addValue(Sql.text(e.instanceId()))
            .addValue(detail == null ? null : detail.encode())
            .addValue(Math.max(0, e.rowsDeleted()));
    return client
        .preparedQuery(INSERT)
        .execute(params)
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
