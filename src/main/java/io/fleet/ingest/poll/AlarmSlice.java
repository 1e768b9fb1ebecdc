package io.fleet.ingest.poll;

import io.vertx.core.Future;
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
      return SliceJob.prepared(rows.size(), g.rejected(),
          conn -> sinks.alarms(conn, source.account(), g.accepted()));
    });
  }
}
