package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.AlarmWriter;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.Source;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Alarms: fetch, guard, then the alarm writer the webhook uses too (no enrichment or geocoding
 * here).
 */
final class AlarmSlice implements SliceJob {
  private final TimestampGuard guard;
  private final AlarmWriter writer = new AlarmWriter();

  AlarmSlice(TimestampGuard guard) {
    this.guard = guard;
  }

  @Override
  public Endpoint endpoint() {
    return Endpoint.ALARMS;
  }

  @Override
  public Future<Prepared> prepare(FleetSource source, List<String> imeis, Window w) {
    String stream = endpoint().stream();
    return source
        .alarms(imeis, w.from(), w.to())
        .map(
            rows -> {
              Guarded<AlarmRecord> g =
                  Guarded.split(
                      rows,
                      stream,
                      guard,
                      AlarmRecord::imei,
                      AlarmRecord::alarmTime,
                      AlarmRecord::raw);
              // The type is part of the key: without it the row cannot be stored, and must not
              // block the slice.
              List<AlarmRecord> ok = new ArrayList<>();
              List<QuarantineItem> rejected = new ArrayList<>(g.rejected());
              for (AlarmRecord a : g.accepted()) {
                if (a.alarmType() == null || a.alarmType().isBlank()) {
                  rejected.add(
                      new QuarantineItem(
                          stream,
                          "missing_alarm_type",
                          "alarm has no alertTypeId",
                          a.imei(),
                          Guarded.item(a.raw())));
                } else {
                  ok.add(a);
                }
              }
              return new Prepared(
                  rows.size(), rejected, conn -> writer.write(conn, ok, Source.POLL));
            });
  }
}
