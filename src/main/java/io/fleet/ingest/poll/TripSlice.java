package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Judged;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.RowsWrite;
import io.fleet.ingest.store.TripRecord;
import io.fleet.ingest.store.TripWriter;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trips, phased: (1) fetch with no connection, (2) one short read to fill missing start/end points
 * from position_history, (3) geocode the points through the lane with no connection, (4) the
 * runner's single write transaction.
 */
final class TripSlice implements SliceJob {
  private final RowRules rules;
  private final Enrichment enrichment;
  private final Clock clock;
  private final TripWriter writer = new TripWriter();

  TripSlice(RowRules rules, Enrichment enrichment, Clock clock) {
    this.rules = rules;
    this.enrichment = enrichment;
    this.clock = clock;
  }

  @Override
  public Endpoint endpoint() {
    return Endpoint.TRIPS;
  }

  @Override
  public Future<Prepared> prepare(FleetSource source, List<String> imeis, Window w) {
    return source
        .trips(imeis, w.from(), w.to())
        .compose(
            rows -> {
              String stream = endpoint().stream();
              Judged<TripRecord> judged =
                  rules.judge(stream, rows, rules.now(), rules::trip, TripRecord::raw);
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
                                  TripRecord::imei,
                                  TripRecord::raw)));
            });
  }

  private Future<List<TripRecord>> enrich(List<TripRecord> trips) {
    List<NearestFix.Ask> asks = new ArrayList<>();
    for (TripRecord t : trips) {
      asks.add(new NearestFix.Ask(t.imei(), t.startTime()));
      asks.add(new NearestFix.Ask(t.imei(), t.endTime() == null ? t.startTime() : t.endTime()));
    }
    boolean anyMissing = trips.stream().anyMatch(t -> t.startLat() == null || t.endLat() == null);
    if (!anyMissing) {
      return Future.succeededFuture(trips);
    }
    return enrichment
        .nearestFixes(asks)
        .map(
            fixes -> {
              List<TripRecord> out = new ArrayList<>(trips.size());
              for (int i = 0; i < trips.size(); i++) {
                TripRecord t = trips.get(i);
                NearestFix.Fix s = t.startLat() == null ? fixes.get(2 * i) : null;
                NearestFix.Fix e = t.endLat() == null ? fixes.get(2 * i + 1) : null;
                out.add(
                    s == null && e == null
                        ? t
                        : t.withPoints(
                            s != null ? Double.valueOf(s.lat()) : t.startLat(),
                                s != null ? Double.valueOf(s.lng()) : t.startLng(),
                            e != null ? Double.valueOf(e.lat()) : t.endLat(),
                                e != null ? Double.valueOf(e.lng()) : t.endLng()));
              }
              return out;
            });
  }

  private Future<List<TripRecord>> geocode(List<TripRecord> trips) {
    Set<Addresses.Point> points = new HashSet<>();
    for (TripRecord t : trips) {
      addIfPresent(points, Addresses.Point.of(t.startLat(), t.startLng()));
      addIfPresent(points, Addresses.Point.of(t.endLat(), t.endLng()));
    }
    return enrichment.addresses(points).map(found -> located(trips, found));
  }

  private static List<TripRecord> located(
      List<TripRecord> trips, Map<Addresses.Point, String> found) {
    List<TripRecord> out = new ArrayList<>(trips.size());
    for (TripRecord t : trips) {
      Addresses.Point s = Addresses.Point.of(t.startLat(), t.startLng());
      Addresses.Point e = Addresses.Point.of(t.endLat(), t.endLng());
      out.add(t.withAddresses(s == null ? null : found.get(s), e == null ? null : found.get(e)));
    }
    return out;
  }

  static void addIfPresent(Set<Addresses.Point> points, Addresses.Point p) {
    if (p != null) {
      points.add(p);
    }
  }
}
