package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.FleetRecords;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.fleet.ingest.support.TestService.Futures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Typed methods return exactly the simulator's ground truth, across splitting and paging. */
class TracksolidApiTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS);
  private SimHarness h;

  private TracksolidApi api(int devices, int days, int startRowBase) {
    SimulatorOptions o = SimulatorOptions.defaults(Clock.systemUTC())
        .withFleet(7, devices, days, NOW.minus(Duration.ofDays(days))).withStartRowBase(startRowBase);
    h = new SimHarness(o);
    return new TracksolidApi(h.client());
  }

  @AfterEach
  void close() {
    h.close();
  }

  private List<String> imeis() {
    return h.sim.fleet().allDevices().stream().map(FleetRecords.Device::imei).toList();
  }

  @Test
  void alarmsAcrossImeiChunksAndPagesMatchGroundTruth() {
    TracksolidApi api = api(120, 2, 1);
    Instant from = NOW.minus(Duration.ofDays(2));
    List<VendorAlarm> got = Futures.get(api.alarms(imeis(), from, NOW), 60);
    List<FleetRecords.Alarm> truth = h.sim.fleet().alarms(from, NOW);
    assertThat(truth.size()).isGreaterThan(100);
    assertThat(got).extracting(a -> a.imei() + "|" + a.alertTypeId() + "|" + a.alertTime())
        .containsExactlyInAnyOrderElementsOf(truth.stream()
            .map(a -> a.imei() + "|" + a.alertTypeId() + "|" + a.alertTime()).toList());
    assertThat(h.sim.calls("jimi.device.alarm.list")).isGreaterThanOrEqualTo(3);
    assertThat(got).allSatisfy(a -> assertThat(a.alertTypeName()).isNotBlank());
  }

  @Test
  void repeatedPagesAreDetectedInsteadOfLoopingForever() {
    TracksolidApi api = api(40, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    int truth = h.sim.fleet().alarms(from, NOW).size();
    assertThat(truth).isGreaterThan(200);
    h.sim.faults().inject("jimi.device.alarm.list", Fault.repeatPage(), -1);
    List<VendorAlarm> got = Futures.get(api.alarms(imeis(), from, NOW), 60);
    assertThat(got).hasSize(100);
  }

  @Test
  void parkingAndIdlingPageUntilTotalWithEitherStartRowBase() {
    for (int base : new int[] {1, 0}) {
      TracksolidApi api = api(30, 3, base);
      Instant from = NOW.minus(Duration.ofDays(3));
      SyntheticFleet fleet = h.sim.fleet();
      for (String acc : new String[] {"off", "on"}) {
        List<VendorParking> got = Futures.get(api.parking("demo", imeis(), from, NOW, acc), 60);
        assertThat(fleet.stops(acc, from, NOW).size()).isGreaterThan(100);
        assertThat(got).extracting(VendorParking::key).containsExactlyInAnyOrderElementsOf(
            fleet.stops(acc, from, NOW).stream().map(s -> s.imei() + "|" + acc + "|" + s.startTime()).toList());
      }
      assertThat(api.startRowBase()).isEqualTo(base);
      h.close();
    }
    h = new SimHarness();
  }

  @Test
  void tripsFromMileageAndReportMatchGroundTruth() {
    TracksolidApi api = api(12, 2, 1);
    Instant from = NOW.minus(Duration.ofDays(2));
    List<String> truth = h.sim.fleet().trips(from, NOW).stream().map(t -> t.imei() + "|" + t.startTime()).toList();
    List<VendorTrip> mileage = Futures.get(api.mileageTrips(imeis(), from, NOW), 60);
    assertThat(mileage).extracting(VendorTrip::key).containsExactlyInAnyOrderElementsOf(truth);
    assertThat(mileage).allSatisfy(t -> assertThat(t.durationS()).isPositive());
    List<VendorTrip> report = Futures.get(api.reportTrips("demo", imeis(), from, NOW), 60);
    assertThat(report).extracting(VendorTrip::key).containsExactlyInAnyOrderElementsOf(truth);
  }

  @Test
  void trackSplitsIntoSevenDayCallsAndDevicesFollowChurn() {
    TracksolidApi api = api(6, 9, 1);
    String imei = imeis().get(0);
    Instant from = NOW.minus(Duration.ofDays(9));
    List<VendorTrackPoint> got = Futures.get(api.track(imei, from, NOW), 60);
    assertThat(got).extracting(p -> p.gpsTime()).containsExactlyInAnyOrderElementsOf(
        h.sim.fleet().positions(imei, from, NOW).stream().map(FleetRecords.Position::gpsTime).toList());
    assertThat(h.sim.calls("jimi.device.track.list")).isEqualTo(2);

    List<VendorDevice> main = Futures.get(api.devices("demo"), 30);
    List<VendorDevice> sub = Futures.get(api.devices("demo-sub"), 30);
    assertThat(main).extracting(VendorDevice::imei).containsExactlyInAnyOrderElementsOf(
        h.sim.fleet().devices("demo").stream().map(FleetRecords.Device::imei).toList());
    assertThat(sub).extracting(VendorDevice::imei).containsExactlyInAnyOrderElementsOf(
        h.sim.fleet().devices("demo-sub").stream().map(FleetRecords.Device::imei).toList());
    assertThat(main.size() + sub.size()).isEqualTo(5);
    List<VendorLocation> locations = Futures.get(api.locations("demo"), 30);
    assertThat(locations).allSatisfy(l -> assertThat(l.gpsTime()).isEqualTo(
        h.sim.fleet().latest(l.imei()).orElseThrow().gpsTime()));
  }
}
