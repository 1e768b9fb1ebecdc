package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Alarms: fetch, guard, then the shared alarm writer (no enrichment or geocoding here). */
final class AlarmSlice implements SliceJob {
  private final IngestSinks sinks;

  AlarmSlice(IngestSinks sinks) {
    this.sinks = sinks;
  }

  @Override
  public Endpoint endpoint() {
    return Endpoint.ALARMS;
  }

  @Override
  public Future<Prepared> prepare(FleetSource source, List<String> imeis, Window w) {
    return source.alarms(imeis, w.from(), w.to()).map(rows -> {
      Guarded<VendorRows.Alarm> g = Guarded.split(rows, sinks, VendorRows.Alarm::imei, VendorRows.Alarm::alarmTime,
          VendorRows.Alarm::raw);
      // The type is part of the key: without it the row cannot be stored, and must not block the slice.
      List<VendorRows.Alarm> ok = new ArrayList<>();
      List<IngestSinks.Rejected> rejected = new ArrayList<>(g.rejected());
      for (VendorRows.Alarm a : g.accepted()) {
        if (a.alarmType() == null || a.alarmType().isBlank()) {
          rejected.add(new IngestSinks.Rejected("missing_alarm_type", "alarm has no alertTypeId", a.imei(),
              a.raw() == null ? new JsonObject() : a.raw()));
        } else {
          ok.add(a);
        }
      }
      return SliceJob.prepared(rows.size(), rejected, conn -> sinks.alarms(conn, source.account(), ok));
    });
  }
}
