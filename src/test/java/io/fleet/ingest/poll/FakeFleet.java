package io.fleet.ingest.poll;

import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.Source;
import io.fleet.ingest.store.TripRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A deterministic synthetic fleet behind {@link FleetSource}: every device makes a trip every three
 * hours, parks between trips, idles before each trip and raises an alarm every two hours. Rows
 * become visible once their time has passed on the injected clock. Ground truth answers exactly
 * what a complete ingestion of a window must store. Faults: fail the next N calls, fail a target,
 * add garbage timestamps. Every call is recorded.
 */
final class FakeFleet implements FleetSource {
  static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TRIP_EVERY = Duration.ofHours(3);
  private static final Duration TRIP_LEN = Duration.ofMinutes(40);
  private static final Duration ALARM_EVERY = Duration.ofHours(2);

  private final String account;
  private final Map<String, List<String>> imeisByTarget;
  private final Clock clock;
  final List<String> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile Predicate<String> failWhen = m -> false;
  final Set<String> failingTargets = ConcurrentHashMap.newKeySet();
  volatile boolean garbage;

  /**
   * Extra stops (listed once they end, like the rest) and alarms uploaded late (listed from
   * visibleAt).
   */
  final List<ParkingRecord> extraStops = new CopyOnWriteArrayList<>();

  /** Extra trips, listed once they end, like the rest. */
  final List<TripRecord> extraTrips = new CopyOnWriteArrayList<>();

  final List<Late> lateAlarms = new CopyOnWriteArrayList<>();

  record Late(AlarmRecord alarm, Instant visibleAt) {}

  FakeFleet(String account, Map<String, List<String>> imeisByTarget, Clock clock) {
    this.account = account;
    this.imeisByTarget = imeisByTarget;
    this.clock = clock;
  }

  static FakeFleet of(String account, int devices, Clock clock) {
    List<String> a = new CopyOnWriteArrayList<>();
    List<String> b = new CopyOnWriteArrayList<>();
    for (int i = 0; i < devices; i++) {
      String imei = String.format("86%013d", i + 1);
      (i % 2 == 0 ? a : b).add(imei);
    }
    return new FakeFleet(
        account, new ConcurrentHashMap<>(Map.of(account, a, account + "-sub", b)), clock);
  }

  void failNext(int n) {
    failNext.set(n);
  }

  /** Fails every call whose description matches, until cleared with {@code m -> false}. */
  void failWhen(Predicate<String> p) {
    failWhen = p;
  }

  int callCount(String method) {
    return (int) calls.stream().filter(c -> c.startsWith(method)).count();
  }

  @Override
  public String account() {
    return account;
  }

  @Override
  public List<String> targets() {
    return imeisByTarget.keySet().stream().sorted().toList();
  }

  List<String> allImeis() {
    return imeisByTarget.values().stream().flatMap(List::stream).sorted().toList();
  }

  private <T> Future<T> call(String what, java.util.function.Supplier<T> answer) {
    calls.add(what);
    if (failWhen.test(what)) {
      return Future.failedFuture(new IllegalStateException("injected failure: " + what));
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Future.failedFuture(
          new IllegalStateException("vendor code 1006: requests too frequent"));
    }
    return Future.succeededFuture(answer.get());
  }

  // ----- ground truth -----

  private static int offsetMinutes(String imei) {
    return Math.floorMod(imei.hashCode(), 97);
  }

  List<TripRecord> tripsTruth(String imei, Instant from, Instant to) {
    List<TripRecord> out = new ArrayList<>();
    Instant visible = clock.instant();
    for (Instant s = ORIGIN.plus(Duration.ofMinutes(offsetMinutes(imei)));
        s.isBefore(to);
        s = s.plus(TRIP_EVERY)) {
      Instant e = s.plus(TRIP_LEN);
      if (s.isBefore(from) || e.isAfter(visible)) {
        continue;
      }
      double lat = -1.28 + (s.getEpochSecond() % 1000) / 100000.0;
      double lng = 36.82 + (imei.hashCode() % 1000) / 100000.0;
      out.add(
          new TripRecord(
              imei,
              s,
              e,
              account,
              lat,
              lng,
              lat + 0.01,
              lng + 0.01,
              12_345.0,
              (int) TRIP_LEN.toSeconds(),
              18.5,
              60.0,
              null,
              null,
              "report.trips",
              new JsonObject().put("imei", imei).put("startTime", s.toString())));
    }
    for (TripRecord t : extraTrips) {
      if (t.imei().equals(imei)
          && !t.startTime().isBefore(from)
          && t.startTime().isBefore(to)
          && !t.endTime().isAfter(visible)) {
        out.add(t);
      }
    }
    return out;
  }

  List<ParkingRecord> stopsTruth(String imei, ParkingRecord.Kind kind, Instant from, Instant to) {
    List<ParkingRecord> out = new ArrayList<>();
    Instant visible = clock.instant();
    for (Instant s = ORIGIN.plus(Duration.ofMinutes(offsetMinutes(imei)));
        s.isBefore(to.plus(TRIP_EVERY));
        s = s.plus(TRIP_EVERY)) {
      Instant start =
          kind == ParkingRecord.Kind.PARKING ? s.plus(TRIP_LEN) : s.minus(Duration.ofMinutes(10));
      Instant end =
          kind == ParkingRecord.Kind.PARKING ? s.plus(TRIP_EVERY).minus(Duration.ofMinutes(10)) : s;
      if (start.isBefore(from)
          || !start.isBefore(to)
          || end.isAfter(visible)
          || start.isBefore(ORIGIN)) {
        continue;
      }
      int dur = (int) Duration.between(start, end).toSeconds();
      out.add(
          new ParkingRecord(
              imei,
              kind,
              start,
              end,
              account,
              dur,
              dur,
              -1.3,
              36.8,
              "Some road",
              null,
              new JsonObject()
                  .put("imei", imei)
                  .put("startTime", start.toString())
                  .put("acc", kind.accType())));
    }
    for (ParkingRecord s : extraStops) {
      if (s.imei().equals(imei)
          && s.kind() == kind
          && !s.startTime().isBefore(from)
          && s.startTime().isBefore(to)
          && !s.endTime().isAfter(visible)) {
        out.add(s);
      }
    }
    return out;
  }

  List<AlarmRecord> alarmsTruth(String imei, Instant from, Instant to) {
    List<AlarmRecord> out = new ArrayList<>();
    Instant visible = clock.instant();
    for (Instant t = ORIGIN.plus(Duration.ofMinutes(offsetMinutes(imei) + 7));
        t.isBefore(to);
        t = t.plus(ALARM_EVERY)) {
      if (t.isBefore(from) || t.isAfter(visible)) {
        continue;
      }
      String type = (t.getEpochSecond() / 7200) % 2 == 0 ? "6" : "ACC_ON";
      out.add(
          new AlarmRecord(
              imei,
              type,
              t,
              "alarm " + type,
              "car " + imei,
              account,
              -1.3,
              36.8,
              50.0,
              t,
              null,
              null,
              new JsonObject()
                  .put("imei", imei)
                  .put("alertTypeId", type)
                  .put("alertTime", t.toString())));
    }
    for (Late l : lateAlarms) {
      AlarmRecord a = l.alarm();
      if (a.imei().equals(imei)
          && !a.alarmTime().isBefore(from)
          && a.alarmTime().isBefore(to)
          && !l.visibleAt().isAfter(visible)) {
        out.add(a);
      }
    }
    return out;
  }

  // ----- FleetSource -----

  @Override
  public Future<List<AlarmRecord>> alarms(List<String> imeis, Instant from, Instant to) {
    return call(
        "alarms " + from + " " + to,
        () -> {
          List<AlarmRecord> out = new ArrayList<>();
          imeis.forEach(i -> out.addAll(alarmsTruth(i, from, to)));
          if (garbage && !imeis.isEmpty()) {
            String i = imeis.get(0);
            out.add(
                new AlarmRecord(
                    i,
                    "1",
                    Instant.parse("1970-01-01T00:00:00Z"),
                    "SOS",
                    null,
                    account,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    new JsonObject().put("imei", i).put("alertTime", "1970-01-01 00:00:00")));
            Instant future = clock.instant().plus(Duration.ofDays(30));
            out.add(
                new AlarmRecord(
                    i,
                    "1",
                    future,
                    "SOS",
                    null,
                    account,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    new JsonObject().put("imei", i).put("alertTime", future.toString())));
            out.add(
                new AlarmRecord(
                    i,
                    "1",
                    null,
                    "SOS",
                    null,
                    account,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    new JsonObject().put("imei", i).put("alertTime", "not-a-time")));
          }
          return out;
        });
  }

  @Override
  public Future<List<TripRecord>> trips(List<String> imeis, Instant from, Instant to) {
    return call(
        "trips " + from + " " + to,
        () -> {
          List<TripRecord> out = new ArrayList<>();
          imeis.forEach(i -> out.addAll(tripsTruth(i, from, to)));
          return out;
        });
  }

  @Override
  public Future<List<ParkingRecord>> stops(
      List<String> imeis, ParkingRecord.Kind kind, Instant from, Instant to) {
    return call(
        "stops " + kind + " " + from + " " + to,
        () -> {
          List<ParkingRecord> out = new ArrayList<>();
          imeis.forEach(i -> out.addAll(stopsTruth(i, kind, from, to)));
          return out;
        });
  }

  @Override
  public Future<List<DeviceRecord>> devices(String target) {
    if (failingTargets.contains(target)) {
      calls.add("devices " + target);
      return Future.failedFuture(
          new IllegalStateException("vendor code 1002 for target " + target));
    }
    return call(
        "devices " + target,
        () ->
            imeisByTarget.getOrDefault(target, List.of()).stream()
                .map(
                    i ->
                        new DeviceRecord(
                            i,
                            account,
                            "car " + i,
                            "GT06N",
                            null,
                            "vehicle " + i,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            true,
                            new JsonObject().put("imei", i)))
                .toList());
  }

  @Override
  public Future<List<PositionRecord>> latestPositions(String target) {
    return call(
        "positions " + target,
        () -> {
          Instant t = clock.instant().minusSeconds(30);
          return imeisByTarget.getOrDefault(target, List.of()).stream()
              .map(
                  i ->
                      new PositionRecord(
                          i,
                          t,
                          -1.29,
                          36.82,
                          10.0,
                          90,
                          "GPS",
                          true,
                          8,
                          Source.POLL,
                          new JsonObject().put("imei", i).put("gpsTime", t.toString())))
              .toList();
        });
  }

  /** The live list of a target's devices; tests remove from it to retire a device. */
  List<String> imeisOf(String target) {
    return imeisByTarget.get(target);
  }
}
