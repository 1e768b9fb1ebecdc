package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Judged;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.RowsWrite;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.AlarmWriter;
import io.fleet.ingest.store.Source;
import io.vertx.core.Future;
import java.util.List;

/**
 * Alarms: fetch, the row rules, then the alarm writer the webhook uses too (no enrichment or
 * geocoding here).
 */
final class AlarmSlice implements SliceJob {
  private final RowRules rules;
  private final AlarmWriter writer = new AlarmWriter();

  AlarmSlice(RowRules rules) {
    this.rules = rules;
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
              Judged<AlarmRecord> judged =
                  rules.judge(stream, rows, rules.now(), rules::alarm, AlarmRecord::raw);
              return Prepared.of(
                  rows.size(),
                  judged,
                  new RowsWrite<>(
                      stream,
                      judged.accepted(),
                      (conn, ok) -> writer.write(conn, ok, Source.POLL),
                      AlarmRecord::imei,
                      AlarmRecord::raw));
            });
  }
}
