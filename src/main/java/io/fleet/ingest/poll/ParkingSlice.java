package io.fleet.ingest.poll;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parking and idling, phased like trips: fetch both kinds, fill points, geocode, then write. */
final class ParkingSlice implements SliceJob {
  private final IngestSinks sinks;
  private final Enrichment enrichment;
  private final Clock clock;

  ParkingSlice(IngestSinks sinks, Enrichment enrichment, Clock clock) {
    this.sinks = sinks;
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
    return source.stops(imeis, VendorRows.StopKind.PARKING, w.from(), w.to())
        .compose(parking -> source.stops(imeis, VendorRows.StopKind.IDLING, w.from(), w.to()).map(idling -> {
          List<VendorRows.Stop> all = new ArrayList<>(parking);
          all.addAll(idling);
          return all;
        }))
        .compose(rows -> {
          Guarded<VendorRows.Stop> g = Guarded.split(rows, sinks, VendorRows.Stop::imei, VendorRows.Stop::startTime,
              VendorRows.Stop::raw);
          return enrich(g.accepted()).compose(this::geocode)
              .map(located -> SliceJob.prepared(rows.size(), g.rejected(),
                  conn -> ParkingWriter.upsert(conn, source.account(), located, clock.instant())));
        });
  }

  private Future<List<VendorRows.Stop>> enrich(List<VendorRows.Stop> stops) {
    if (stops.stream().noneMatch(s -> s.lat() == null)) {
      return Future.succeededFuture(stops);
    }
    List<NearestFix.Ask> asks = stops.stream().map(s -> new NearestFix.Ask(s.imei(), s.startTime())).toList();
    return enrichment.nearestFixes(asks).map(fixes -> {
      List<VendorRows.Stop> out = new ArrayList<>(stops.size());
      for (int i = 0; i < stops.size(); i++) {
        VendorRows.Stop s = stops.get(i);
        NearestFix.Fix f = s.lat() == null ? fixes.get(i) : null;
        out.add(f == null ? s : s.withPoint(f.lat(), f.lng()));
      }
      return out;
    });
  }

  private Future<List<Located<VendorRows.Stop>>> geocode(List<VendorRows.Stop> stops) {
    Set<Addresses.Point> points = new HashSet<>();
    stops.forEach(s -> TripSlice.addIfPresent(points, Addresses.Point.of(s.lat(), s.lng())));
    return enrichment.addresses(points).map(found -> stops.stream().map(s -> {
      Addresses.Point p = Addresses.Point.of(s.lat(), s.lng());
      return new Located<>(s, p == null ? null : found.get(p), null);
    }).toList());
  }
}
