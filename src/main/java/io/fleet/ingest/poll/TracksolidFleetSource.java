package io.fleet.ingest.poll;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.Source;
import io.fleet.ingest.store.TripRecord;
import io.fleet.ingest.tracksolid.TracksolidApi;
import io.fleet.ingest.tracksolid.TracksolidClients;
import io.fleet.ingest.tracksolid.VendorAlarm;
import io.fleet.ingest.tracksolid.VendorDevice;
import io.fleet.ingest.tracksolid.VendorLocation;
import io.fleet.ingest.tracksolid.VendorParking;
import io.fleet.ingest.tracksolid.VendorTrip;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * One configured Tracksolid account as a {@link FleetSource}: the vendor mapping, straight into the
 * store's records. The typed API already cuts requests to the vendor's limits (≤ 100 IMEIs, ≤ 1
 * month, paging), retries, and breaks circuits.
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
    return api.alarms(imeis, from, to).map(rows -> rows.stream().map(this::alarm).toList());
  }

  @Override
  public Future<List<TripRecord>> trips(List<String> imeis, Instant from, Instant to) {
    var account = api.client().account();
    var rows =
        TracksolidAccount.TRIPS_REPORT.equals(account.tripsMethod())
            ? api.reportTrips(account.userId(), imeis, from, to)
            : api.mileageTrips(imeis, from, to);
    return rows.map(list -> list.stream().map(this::trip).toList());
  }

  @Override
  public Future<List<ParkingRecord>> stops(
      List<String> imeis, ParkingRecord.Kind kind, Instant from, Instant to) {
    return api.parking(account(), imeis, from, to, kind.accType())
        .map(rows -> rows.stream().map(p -> stop(p, kind)).toList());
  }

  @Override
  public Future<List<DeviceRecord>> devices(String target) {
    return api.devices(target).map(rows -> rows.stream().map(this::device).toList());
  }

  @Override
  public Future<List<PositionRecord>> latestPositions(String target) {
    return api.locations(target)
        .map(rows -> rows.stream().map(TracksolidFleetSource::position).toList());
  }

  private AlarmRecord alarm(VendorAlarm a) {
    return new AlarmRecord(
        a.imei(),
        a.alertTypeId(),
        a.alertTime(),
        a.alertTypeName(),
        a.deviceName(),
        account(),
        a.lat(),
        a.lng(),
        a.speedKmh(),
        a.positioningTime(),
        a.geoid(),
        null,
        a.raw());
  }

  private TripRecord trip(VendorTrip t) {
    return new TripRecord(
        t.imei(),
        t.startTime(),
        t.endTime(),
        account(),
        t.startLat(),
        t.startLng(),
        t.endLat(),
        t.endLng(),
        t.distanceM(),
        t.durationS(),
        t.avgSpeedKmh(),
        t.maxSpeedKmh(),
        null,
        null,
        t.sourceMethod(),
        t.raw());
  }

  private ParkingRecord stop(VendorParking p, ParkingRecord.Kind kind) {
    return new ParkingRecord(
        p.imei(),
        kind,
        p.startTime(),
        p.endTime(),
        account(),
        p.durationS(),
        p.stopS(),
        p.lat(),
        p.lng(),
        p.address(),
        null,
        p.raw());
  }

  private DeviceRecord device(VendorDevice d) {
    return new DeviceRecord(
        d.imei(),
        account(),
        d.deviceName(),
        d.model(),
        d.sim(),
        d.vehicleName(),
        d.vehicleNumber(),
        d.driverName(),
        d.driverPhone(),
        d.deviceGroupId(),
        d.deviceGroup(),
        d.expiration(),
        d.activationTime(),
        d.enabled(),
        d.raw());
  }

  private static PositionRecord position(VendorLocation l) {
    return new PositionRecord(
        l.imei(),
        l.gpsTime(),
        l.lat(),
        l.lng(),
        l.speedKmh(),
        l.direction(),
        l.posType(),
        l.accOn(),
        l.satellites(),
        Source.POLL,
        l.raw());
  }
}
