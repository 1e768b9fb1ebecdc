package io.fleet.ingest.poll;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.TripRecord;
import io.fleet.ingest.tracksolid.TracksolidApi;
import io.fleet.ingest.tracksolid.TracksolidClients;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * One configured Tracksolid account as a {@link FleetSource}. The typed API answers with the
 * store's records, read by its vendor parsers, and already cuts requests to the vendor's limits (≤
 * 100 IMEIs, ≤ 1 month, paging), retries, and breaks circuits; this only chooses the trips method
 * the account is configured for.
 */
public final class TracksolidFleetSource implements FleetSource {
  private final TracksolidApi api;

  public TracksolidFleetSource(TracksolidApi api) {
    this.api = api;
  }

  public static List<FleetSource> all(TracksolidClients clients) {
    return clients.all().stream().<FleetSource>map(TracksolidFleetSource::new).toList();
  }

  @Override
  public String account() {
    return api.client().account().name();
  }

  @Override
  public List<String> targets() {
    List<String> targets = api.client().account().targets();
    return targets.isEmpty() ? List.of(account()) : targets;
  }

  @Override
  public Future<List<AlarmRecord>> alarms(List<String> imeis, Instant from, Instant to) {
    return api.alarms(imeis, from, to);
  }

  @Override
  public Future<List<TripRecord>> trips(List<String> imeis, Instant from, Instant to) {
    TracksolidAccount account = api.client().account();
    return TracksolidAccount.TRIPS_REPORT.equals(account.tripsMethod())
        ? api.reportTrips(account.userId(), imeis, from, to)
        : api.mileageTrips(imeis, from, to);
  }

  @Override
  public Future<List<ParkingRecord>> stops(
      List<String> imeis, ParkingRecord.Kind kind, Instant from, Instant to) {
    return api.parking(account(), imeis, from, to, kind);
  }

  @Override
  public Future<List<DeviceRecord>> devices(String target) {
    return api.devices(target);
  }

  @Override
  public Future<List<PositionRecord>> latestPositions(String target) {
    return api.locations(target);
  }
}
