package io.fleet.ingest.store;

import java.time.Instant;
import java.util.Objects;

/** One row of tracksolid.ingestion_log: a poll, a push commit, a backfill slice or a job. */
public record IngestionLogEntry(
    String stream,
    String account,
    RunKind runKind,
    Instant windowStart,
    Instant windowEnd,
    int rowsFetched,
    int rowsInserted,
    int rowsUpdated,
    int rowsRejected,
    Instant startedAt,
    Instant finishedAt,
    RunStatus status,
    String error,
    String instanceId,
    int rowsDeleted) {

  /** A pipeline run: it deletes nothing (only jobs such as the purge do). */
  public IngestionLogEntry(
      String stream,
      String account,
      RunKind runKind,
      Instant windowStart,
      Instant windowEnd,
      int rowsFetched,
      int rowsInserted,
      int rowsUpdated,
      int rowsRejected,
      Instant startedAt,
      Instant finishedAt,
      RunStatus status,
      String error,
      String instanceId) {
    this(
        stream,
        account,
        runKind,
        windowStart,
        windowEnd,
        rowsFetched,
        rowsInserted,
        rowsUpdated,
        rowsRejected,
        startedAt,
        finishedAt,
        status,
        error,
        instanceId,
        0);
  }

  public IngestionLogEntry {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(runKind, "runKind");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(status, "status");
    if (status == RunStatus.SKIPPED) {
      throw new IllegalArgumentException("a skipped run writes no ingestion_log row");
    }
    account = account == null ? "" : account;
  }
}
