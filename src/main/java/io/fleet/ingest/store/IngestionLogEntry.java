package io.fleet.ingest.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of tracksolid.ingestion_log: a poll, a push request, a backfill slice or a job.
 * runKind is one of scheduled, backfill, push, job, manual; status ok or error.
 */
public record IngestionLogEntry(
    String stream,
    String account,
    String runKind,
    Instant windowStart,
    Instant windowEnd,
    int rowsFetched,
    int rowsInserted,
    int rowsUpdated,
    int rowsRejected,
    Instant startedAt,
    Instant finishedAt,
    String status,
    String error,
    String instanceId) {

  public IngestionLogEntry {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(runKind, "runKind");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(status, "status");
    account = account == null ? "" : account;
  }
}
