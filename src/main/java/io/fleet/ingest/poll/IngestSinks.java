package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The shared ingest stages the pollers write through (timestamp guard, alarm/position writers,
 * quarantine, ingestion log), so a polled alarm and a pushed one land by the same rules.
 * Writers run inside the caller's transaction and report exact counts.
 */
public interface IngestSinks {

  /** Empty when the event time is acceptable, else the quarantine reason. */
  Optional<String> checkTime(Instant eventTime);

  String describe(Instant eventTime, String reason);

  Future<Counts> alarms(SqlConnection conn, String account, List<VendorRows.Alarm> rows);

  Future<Counts> positions(SqlConnection conn, List<VendorRows.Position> rows);

  /** Returns how many were newly quarantined (a replayed item lands once). */
  Future<Integer> quarantine(SqlConnection conn, String stream, List<Rejected> rows);

  /** One ingestion_log row (with its detail, if any); the client is the write transaction, or the pool for a failed run. */
  Future<Void> log(SqlClient client, RunRecord record);

  record Rejected(String reason, String detail, String imei, JsonObject item) {
  }

  record RunRecord(String stream, String account, String runKind, Window window, Counts counts,
                   Instant startedAt, Instant finishedAt, long durationMs, String status, String error,
                   String instanceId, JsonObject detail) {
  }
}
