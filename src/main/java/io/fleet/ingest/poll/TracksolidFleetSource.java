package io.fleet.ingest.poll;

import io.fleet.ingest.tracksolid.TracksolidApi;
import io.fleet.ingest.tracksolid.TracksolidClients;
import io.fleet.ingest.tracksolid.VendorAlarm;
import io.fleet.ingest.tracksolid.VendorDevice;
import io.fleet.ingest.tracksolid.VendorLocation;
import io.fleet.ingest.tracksolid.VendorParking;
import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.tracksolid.VendorTrip;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * One configured Tracksolid account as a {@link FleetSource}. The typed API already cuts requests
 * to the vendor's limits (≤ 100 IMEIs, ≤ 1 month, paging), retries, and breaks circuits.
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
  public Future<List<VendorRows.Alarm>> alarms(List<String> imeis, Instant from, Instant to) {
    return api.alarms(imeis, from, to).map(rows -> rows.stream().map(TracksolidFleetSource::alarm).toList());
  }

  @Override
  public Future<List<VendorRows.Trip>> trips(List<String> imeis, Instant from, Instant to) {
    var account = api.client().account();
    var rows = TracksolidAccount.TRIPS_REPORT.equals(account.tripsMethod())
        ? api.reportTrips(account.userId(), imeis, from, to)
        : api.mileageTrips(imeis, from, to);
    return rows.map(list -> list.stream().map(TracksolidFleetSource::trip).toList());
  }

  @Override
  public Future<List<VendorRows.Stop>> stops(List<String> imeis, VendorRows.StopKind kind, Instant from, Instant to) {
    return api.parking(account(), imeis, from, to, kind.accType())
        .map(rows -> rows.stream().map(p -> stop(p, kind)).toList());
  }

  @Override
  public Future<List<VendorRows.Device>> devices(String target) {
    return api.devices(target).map(rows -> rows.stream().map(TracksolidFleetSource::device).toList());
  }

  @Override
  public Future<List<VendorRows.Position>> latestPositions(String target) {
    return api.locations(target).map(rows -> rows.stream().map(TracksolidFleetSource::position).toList());
  }

  private static VendorRows.Alarm alarm(VendorAlarm a) {
    return new VendorRows.Alarm(a.imei(), a.alertTypeId(), a.alertTime(), a.alertTypeName(), a.deviceName(), a.lat(),
        a.lng(), a.speedKmh(), a.positioningTime(), a.geoid(), a.raw());
  }

  private static VendorRows.Trip trip(VendorTrip t) {
    return new VendorRows.Trip(t.imei(), t.startTime(), t.endTime(), t.startLat(), t.startLng(), t.endLat(),
        t.endLng(), t.distanceM(), t.durationS(), t.avgSpeedKmh(), t.maxSpeedKmh(), t.sourceMethod(), t.raw());
  }

  private static VendorRows.Stop stop(VendorParking p, VendorRows.StopKind kind) {
    return new VendorRows.Stop(p.imei(), kind, p.startTime(), p.endTime(), p.durationS(), p.stopS(), p.lat(), p.lng(),
        p.address(), p.raw());
  }

  private static VendorRows.Device device(VendorDevice d) {
    return new VendorRows.Device(d.imei(), d.deviceName(), d.model(), d.sim(), d.vehicleName(), d.vehicleNumber(),
        d.driverName(), d.driverPhone(), d.deviceGroupId(), d.deviceGroup(), d.expiration(), d.activationTime(),
        d.enabled(), d.raw());
  }

  private static VendorRows.Position position(VendorLocation l) {
    return new VendorRows.Position(l.imei(), l.gpsTime(), l.lat(), l.lng(), l.speedKmh(), l.direction(), l.posType(),
        l.accOn(), l.satellites(), l.raw());
  }
}
