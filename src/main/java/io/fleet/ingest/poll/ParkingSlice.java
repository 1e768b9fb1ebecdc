package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Judged;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.RowsWrite;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.ParkingWriter;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parking and idling, phased like trips: fetch both kinds, fill points, geocode, then write. */
final class ParkingSlice implements SliceJob {
  private final RowRules rules;
  private final Enrichment enrichment;
  private final Clock clock;
  private final ParkingWriter writer = new ParkingWriter();

  ParkingSlice(RowRules rules, Enrichment enrichment, Clock clock) {
    this.rules = rules;
    this.enrichment = enrichment;
    this.clock = clock;
  }

  @Override
  public Endpoint endpoint() {
    return Endpoint.PARKING;
  }

  @Override
  public Future<Prepared> prepare(FleetSource source, List<String> imeis, Window w) {
    // Sequential, not parallel: the client keeps one call in flight per method and account anyway.
    return source
        .stops(imeis, ParkingRecord.Kind.PARKING, w.from(), w.to())
        .compose(
            parking ->
                source
                    .stops(imeis, ParkingRecord.Kind.IDLING, w.from(), w.to())
                    .map(
                        idling -> {
                          List<ParkingRecord> all = new ArrayList<>(parking);
                          all.addAll(idling);
                          return all;
                        }))
        .compose(
            rows -> {
              String stream = endpoint().stream();
              Judged<ParkingRecord> judged =
                  rules.judge(stream, rows, rules.now(), rules::parking, ParkingRecord::raw);
              return enrich(judged.accepted())
                  .compose(this::geocode)
                  .map(
                      located ->
                          Prepared.of(
                              rows.size(),
                              judged,
                              new RowsWrite<>(
                                  stream,
                                  located,
                                  (conn, ok) -> writer.write(conn, ok, clock.instant()),
                                  ParkingRecord::imei,
                                  ParkingRecord::raw)));
            });
  }

  private Future<List<ParkingRecord>> enrich(List<ParkingRecord> stops) {
    if (stops.stream().noneMatch(s -> s.lat() == null)) {
      return Future.succeededFuture(stops);
    }
    List<NearestFix.Ask> asks =
        stops.stream().map(s -> new NearestFix.Ask(s.imei(), s.startTime())).toList();
    return enrichment
        .nearestFixes(asks)
        .map(
            fixes -> {
              List<ParkingRecord> out = new ArrayList<>(stops.size());
              for (int i = 0; i < stops.size(); i++) {
                ParkingRecord s = stops.get(i);
                NearestFix.Fix f = s.lat() == null ? fixes.get(i) : null;
                out.add(f == null ? s : s.withPoint(f.lat(), f.lng()));
              }
              return out;
            });
  }

  private Future<List<ParkingRecord>> geocode(List<ParkingRecord> stops) {
    Set<Addresses.Point> points = new HashSet<>();
    stops.forEach(s -> TripSlice.addIfPresent(points, Addresses.Point.of(s.lat(), s.lng())));
    return enrichment
        .addresses(points)
        .map(
            found ->
                stops.stream()
                    .map(
                        s -> {
                          Addresses.Point p = Addresses.Point.of(s.lat(), s.lng());
                          return s.withAddress(p == null ? null : found.get(p));
                        })
                    .toList());
  }
}
