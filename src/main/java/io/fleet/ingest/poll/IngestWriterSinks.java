package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.AlarmRecord;
import io.fleet.ingest.ingest.AlarmWriter;
import io.fleet.ingest.ingest.IngestionLogEntry;
import io.fleet.ingest.ingest.IngestionLogWriter;
import io.fleet.ingest.ingest.PositionRecord;
import io.fleet.ingest.ingest.PositionWriter;
import io.fleet.ingest.ingest.QuarantineItem;
import io.fleet.ingest.ingest.QuarantineWriter;
import io.fleet.ingest.ingest.Source;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ingest.WriteResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The pollers' view of the shared ingest stages: the same guard and writers the webhook uses. */
final class IngestWriterSinks implements IngestSinks {
  private final TimestampGuard guard;
  private final AlarmWriter alarms = new AlarmWriter();
  private final PositionWriter positions = new PositionWriter();
  private final QuarantineWriter quarantine;
  private final IngestionLogWriter log = new IngestionLogWriter();

  IngestWriterSinks(TimestampGuard guard, QuarantineWriter quarantine) {
    this.guard = guard;
    this.quarantine = quarantine;
  }

  @Override
  public Optional<String> checkTime(Instant eventTime) {
    return guard.check(eventTime);
  }

  @Override
  public String describe(Instant eventTime, String reason) {
    return guard.describe(eventTime, reason);
  }

  @Override
  public Future<Counts> alarms(SqlConnection conn, String account, List<VendorRows.Alarm> rows) {
    List<AlarmRecord> records = rows.stream()
        .map(a -> new AlarmRecord(a.imei(), a.alarmType(), a.alarmTime(), a.alarmName(), a.deviceName(), account,
            a.lat(), a.lng(), a.speedKmh(), a.positionTime(), a.geofenceId(), null, a.raw()))
        .toList();
    return alarms.write(conn, records, Source.POLL).map(IngestWriterSinks::counts);
  }

  @Override
  public Future<Counts> positions(SqlConnection conn, List<VendorRows.Position> rows) {
    List<PositionRecord> records = rows.stream()
        .map(p -> new PositionRecord(p.imei(), p.gpsTime(), p.lat(), p.lng(), p.speedKmh(), p.direction(),
            p.posType(), p.acc(), p.satellites(), Source.POLL, p.raw()))
        .toList();
    return positions.write(conn, records).map(IngestWriterSinks::counts);
  }

  @Override
  public Future<Integer> quarantine(SqlConnection conn, String stream, List<Rejected> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<QuarantineItem> items = rows.stream()
        .map(r -> new QuarantineItem(stream, r.reason(), r.detail(), r.imei(), r.item()))
        .toList();
    // Counted once the transaction has committed, so a rolled-back run never inflates the metric.
    return quarantine.write(conn, items).map(result -> {
      conn.transaction().completion().onSuccess(v -> quarantine.countCommitted(result));
      return result.inserted();
    });
  }

  @Override
  public Future<Void> log(SqlClient client, RunRecord r) {
    return log.write(client, new IngestionLogEntry(r.stream(), r.account(), r.runKind(),
        r.window() == null ? null : r.window().from(), r.window() == null ? null : r.window().to(),
        r.counts().fetched(), r.counts().inserted(), r.counts().updated(), r.counts().rejected(), r.startedAt(),
        r.finishedAt(), r.status(), r.error(), r.instanceId()))
        .compose(id -> r.detail() == null ? Future.<Void>succeededFuture()
            : client.preparedQuery("UPDATE tracksolid.ingestion_log SET detail = $2 WHERE id = $1")
                .execute(io.vertx.sqlclient.Tuple.of(id, r.detail())).<Void>mapEmpty());
  }

  private static Counts counts(WriteResult w) {
    return Counts.written(w.inserted(), w.updated());
  }
}
