package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import java.time.Instant;

/** Writes tracksolid.ingestion_log rows the way the pipeline, tools and jobs do. */
public final class IngestionLogRows {
  private IngestionLogRows() {}

  public static void insert(
      DatabaseTarget db,
      String stream,
      String account,
      String runKind,
      String status,
      Instant finishedAt,
      int rowsInserted) {
    Sql.exec(
        db,
        "INSERT INTO tracksolid.ingestion_log (stream, account, run_kind, rows_fetched, rows_inserted, "
            + "started_at, finished_at, duration_ms, status, error) VALUES ('"
            + stream
            + "', '"
            + account
            + "', '"
            + runKind
            + "', "
            + rowsInserted
            + ", "
            + rowsInserted
            + ", timestamptz '"
            + finishedAt
            + "' - interval '1 second', timestamptz '"
            + finishedAt
            + "', 1000, '"
            + status
            + "', "
            + (status.equals("error") ? "'boom'" : "NULL")
            + ")");
  }
}
