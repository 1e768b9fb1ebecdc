package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.FleetRecords;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.TripRecord;
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
  // One hour for the whole class on purpose: every test's window is relative to the same hour.
  @SuppressWarnings("TimeInStaticInitializer")
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS);

  private static final String PARKING = "jimi.open.platform.report.parking";
  private static final ParkingRecord.Kind PARKED = ParkingRecord.Kind.PARKING;
  private static final ParkingRecord.Kind IDLING = ParkingRecord.Kind.IDLING;
  private SimHarness h;

  private TracksolidApi api(int devices, int days, int startRowBase) {
    SimulatorOptions o =
        SimulatorOptions.defaults(Clock.systemUTC())
            .withFleet(7, devices, days, NOW.minus(Duration.ofDays(days)))
            .withStartRowBase(startRowBase);
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
    List<AlarmRecord> got = Futures.get(api.alarms(imeis(), from, NOW), 60);
    List<FleetRecords.Alarm> truth = h.sim.fleet().alarms(from, NOW);
    assertThat(truth.size()).isGreaterThan(100);
    assertThat(got)
        .extracting(a -> a.imei() + "|" + a.alarmType() + "|" + a.alarmTime())
        .containsExactlyInAnyOrderElementsOf(
            truth.stream()
                .map(a -> a.imei() + "|" + a.alertTypeId() + "|" + a.alertTime())
                .toList());
    assertThat(h.sim.calls("jimi.device.alarm.list")).isGreaterThanOrEqualTo(3);
    assertThat(got).allSatisfy(a -> assertThat(a.alarmName()).isNotBlank());
  }

  @Test
  void repeatedPagesAreDetectedInsteadOfLoopingForever() {
    TracksolidApi api = api(40, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    int truth = h.sim.fleet().alarms(from, NOW).size();
    assertThat(truth).isGreaterThan(200);
    h.sim.faults().inject("jimi.device.alarm.list", Fault.repeatPage(), -1);
    // Page 1, page 2 (= page 1), page 2 asked again (= page 1 again): the window fails, so the
    // slice rolls back instead of committing 100 of the alarms and moving the checkpoint past the
    // rest.
    assertThat(failure(api.alarms(imeis(), from, NOW)))
        .isInstanceOf(MalformedResponseException.class);
    assertThat(h.sim.calls("jimi.device.alarm.list")).isEqualTo(3);
  }

  @Test
  void aRepeatedAlarmPageIsAskedAgainOnce() {
    TracksolidApi api = api(40, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    h.sim.faults().inject("jimi.device.alarm.list", Fault.none(), 1);
    h.sim.faults().inject("jimi.device.alarm.list", Fault.repeatPage(), 1);
    List<AlarmRecord> got = Futures.get(api.alarms(imeis(), from, NOW), 60);
    assertThat(got)
        .extracting(AlarmParser::key)
        .containsExactlyInAnyOrderElementsOf(
            h.sim.fleet().alarms(from, NOW).stream()
                .map(a -> a.imei() + "|" + a.alertTypeId() + "|" + a.alertTime())
                .toList());
  }

  @Test
  void oneRepeatedStartRowPageIsFetchedAgainAndNoRowIsLost() {
    TracksolidApi api = api(30, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    List<String> truth = stopKeys("off", from);
    assertThat(truth.size()).isGreaterThan(200);
    h.sim.faults().inject(PARKING, Fault.none(), 1);
    h.sim.faults().inject(PARKING, Fault.repeatPage(), 1);
    List<ParkingRecord> got = Futures.get(api.parking("demo", imeis(), from, NOW, PARKED), 60);
    assertThat(got).extracting(ParkingParser::key).containsExactlyInAnyOrderElementsOf(truth);
    int pages = (truth.size() + TracksolidApi.PAGE_SIZE - 1) / TracksolidApi.PAGE_SIZE;
    assertThat(h.sim.calls(PARKING)).isEqualTo(pages + 1);
    assertThat(api.startRowBase()).isEqualTo(1);
  }

  @Test
  void aStartRowPageRepeatedTwiceFailsTheCallAndTheNextCallIsWhole() {
    TracksolidApi api = api(30, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    h.sim.faults().inject(PARKING, Fault.none(), 1);
    h.sim.faults().inject(PARKING, Fault.repeatPage(), 2);
    assertThat(failure(api.parking("demo", imeis(), from, NOW, PARKED)))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("start_row=101");
    assertThat(h.sim.calls(PARKING)).isEqualTo(3);
    assertThat(api.startRowBase()).isEqualTo(1);
    List<ParkingRecord> got = Futures.get(api.parking("demo", imeis(), from, NOW, PARKED), 60);
    assertThat(got)
        .extracting(ParkingParser::key)
        .containsExactlyInAnyOrderElementsOf(stopKeys("off", from));
  }

  @Test
  void fewerUniqueRowsThanTheTotalFailsInsteadOfReturningPartialData() {
    TracksolidApi api = api(40, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    assertThat(stopKeys("off", from).size()).isGreaterThan(300);
    // Page 3 comes back as page 1: not the previous page, so only the total can tell 100 rows are
    // missing.
    h.sim.faults().inject(PARKING, Fault.none(), 2);
    h.sim.faults().inject(PARKING, Fault.repeatPage(), 1);
    assertThat(failure(api.parking("demo", imeis(), from, NOW, PARKED)))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("unique rows of dataTotalRows");
    // start_row=0 was refused by this base-1 vendor: no evidence, so the base stays.
    assertThat(api.startRowBase()).isEqualTo(1);
  }

  @Test
  void tripsAndParkingAskAtMostOneMonthPerCall() {
    TracksolidApi api = api(4, 35, 1);
    Instant from = NOW.minus(Duration.ofDays(35));
    assertThat(
            failure(
                h.client()
                    .call(
                        TripParser.MILEAGE,
                        java.util.Map.of(
                            "imeis",
                            String.join(",", imeis()),
                            "begin_time",
                            Lenient.format(from),
                            "end_time",
                            Lenient.format(NOW)))))
        .isInstanceOfSatisfying(VendorException.class, e -> assertThat(e.code()).isEqualTo("1001"));
    List<String> trips =
        h.sim.fleet().trips(from, NOW).stream().map(t -> t.imei() + "|" + t.startTime()).toList();
    assertThat(Futures.get(api.mileageTrips(imeis(), from, NOW), 60))
        .extracting(TripParser::key)
        .containsExactlyInAnyOrderElementsOf(trips);
    assertThat(Futures.get(api.reportTrips("demo", imeis(), from, NOW), 60))
        .extracting(TripParser::key)
        .containsExactlyInAnyOrderElementsOf(trips);
    assertThat(Futures.get(api.parking("demo", imeis(), from, NOW, IDLING), 60))
        .extracting(ParkingParser::key)
        .containsExactlyInAnyOrderElementsOf(stopKeys("on", from));
    assertThat(h.sim.calls(TripParser.MILEAGE)).isEqualTo(3);
    assertThat(h.sim.calls(TripParser.REPORT)).isEqualTo(2);
  }

  @Test
  void anInjected1001DoesNotMoveABaseOneVendorToBaseZero() {
    TracksolidApi api = api(30, 3, 1);
    Instant from = NOW.minus(Duration.ofDays(3));
    h.sim.faults().inject(PARKING, Fault.vendorCode("1001"), 1);
    assertThat(failure(api.parking("demo", imeis(), from, NOW, PARKED)))
        .isInstanceOfSatisfying(VendorException.class, e -> assertThat(e.code()).isEqualTo("1001"));
    assertThat(api.startRowBase()).isEqualTo(1);
    assertThat(Futures.get(api.parking("demo", imeis(), from, NOW, PARKED), 60))
        .extracting(ParkingParser::key)
        .containsExactlyInAnyOrderElementsOf(stopKeys("off", from));
  }

  @Test
  void theStartRowBaseFollowsTheVendorBothWays() {
    TracksolidApi api = api(30, 3, 0);
    Instant from = NOW.minus(Duration.ofDays(3));
    List<String> truth = stopKeys("off", from);
    assertThat(Futures.get(api.parking("demo", imeis(), from, NOW, PARKED), 60))
        .extracting(ParkingParser::key)
        .containsExactlyInAnyOrderElementsOf(truth);
    assertThat(api.startRowBase()).isEqualTo(0);
    h.sim.startRowBase(1);
    assertThat(Futures.get(api.parking("demo", imeis(), from, NOW, PARKED), 60))
        .extracting(ParkingParser::key)
        .containsExactlyInAnyOrderElementsOf(truth);
    assertThat(api.startRowBase()).isEqualTo(1);
    h.sim.startRowBase(0);
    assertThat(Futures.get(api.parking("demo", imeis(), from, NOW, PARKED), 60))
        .extracting(ParkingParser::key)
        .containsExactlyInAnyOrderElementsOf(truth);
    assertThat(api.startRowBase()).isEqualTo(0);
  }

  private List<String> stopKeys(String acc, Instant from) {
    return h.sim.fleet().stops(acc, from, NOW).stream()
        .map(s -> s.imei() + "|" + acc + "|" + s.startTime())
        .toList();
  }

  private static Throwable failure(io.vertx.core.Future<?> f) {
    try {
      Futures.get(f, 60);
    } catch (IllegalStateException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  @Test
  void parkingAndIdlingPageUntilTotalWithEitherStartRowBase() {
    for (int base : new int[] {1, 0}) {
      TracksolidApi api = api(30, 3, base);
      Instant from = NOW.minus(Duration.ofDays(3));
      SyntheticFleet fleet = h.sim.fleet();
      for (ParkingRecord.Kind kind : ParkingRecord.Kind.values()) {
        String acc = kind.accType();
        List<ParkingRecord> got = Futures.get(api.parking("demo", imeis(), from, NOW, kind), 60);
        assertThat(fleet.stops(acc, from, NOW).size()).isGreaterThan(100);
        assertThat(got)
            .extracting(ParkingParser::key)
            .containsExactlyInAnyOrderElementsOf(
                fleet.stops(acc, from, NOW).stream()
                    .map(s -> s.imei() + "|" + acc + "|" + s.startTime())
                    .toList());
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
    List<String> truth =
        h.sim.fleet().trips(from, NOW).stream().map(t -> t.imei() + "|" + t.startTime()).toList();
    List<TripRecord> mileage = Futures.get(api.mileageTrips(imeis(), from, NOW), 60);
    assertThat(mileage).extracting(TripParser::key).containsExactlyInAnyOrderElementsOf(truth);
    assertThat(mileage).allSatisfy(t -> assertThat(t.durationS()).isPositive());
    List<TripRecord> report = Futures.get(api.reportTrips("demo", imeis(), from, NOW), 60);
    assertThat(report).extracting(TripParser::key).containsExactlyInAnyOrderElementsOf(truth);
  }

  @Test
  void trackSplitsIntoSevenDayCallsAndDevicesFollowChurn() {
    TracksolidApi api = api(6, 9, 1);
    String imei = imeis().get(0);
    Instant from = NOW.minus(Duration.ofDays(9));
    List<PositionRecord> got = Futures.get(api.track(imei, from, NOW), 60);
    assertThat(got)
        .extracting(p -> p.gpsTime())
        .containsExactlyInAnyOrderElementsOf(
            h.sim.fleet().positions(imei, from, NOW).stream()
                .map(FleetRecords.Position::gpsTime)
                .toList());
    assertThat(h.sim.calls("jimi.device.track.list")).isEqualTo(2);

    List<DeviceRecord> main = Futures.get(api.devices("demo"), 30);
    List<DeviceRecord> sub = Futures.get(api.devices("demo-sub"), 30);
    assertThat(main)
        .extracting(DeviceRecord::imei)
        .containsExactlyInAnyOrderElementsOf(
            h.sim.fleet().devices("demo").stream().map(FleetRecords.Device::imei).toList());
    assertThat(sub)
        .extracting(DeviceRecord::imei)
        .containsExactlyInAnyOrderElementsOf(
            h.sim.fleet().devices("demo-sub").stream().map(FleetRecords.Device::imei).toList());
    assertThat(main.size() + sub.size()).isEqualTo(5);
    List<PositionRecord> locations = Futures.get(api.locations("demo"), 30);
    assertThat(locations)
        .allSatisfy(
            l ->
                assertThat(l.gpsTime())
                    .isEqualTo(h.sim.fleet().latest(l.imei()).orElseThrow().gpsTime()));
  }
}
