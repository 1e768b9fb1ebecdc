package io.fleet.ingest.simulator;

import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A deterministic fleet: the same seed, size, days and start give the same devices and history.
 * Each device cycles parked (acc off) → idling (acc on) → driving (one fix a minute), with an
 * ACC_ON alarm at each trip start, ACC_OFF at its end, sometimes an overspeed (6) and rarely an SOS
 * (1). Device-list churn: the last device is added half-way, the one before is removed half-way and
 * the one before that moves from the user's account to the sub-account half-way. History exists for
 * every device over the whole period regardless of churn.
 *
 * <p>Ground truth for tests: every query method answers what the simulator serves <em>now</em> (its
 * clock): only events already over (alarm/fix time, trip/stop end ≤ now). Windows are inclusive at
 * both ends, like the vendor's begin_time/end_time: alarms by alertTime, trips and stops by
 * startTime, positions by gpsTime. Results are ordered by time, then IMEI.
 */
public final class SyntheticFleet {
  private final SimulatorOptions options;
  private final Clock clock;
  private final List<Device> devices = new ArrayList<>();
  private final List<Alarm> alarms = new ArrayList<>();
  private final List<Trip> trips = new ArrayList<>();
  private final List<Stop> stops = new ArrayList<>();
  private final List<Position> positions = new ArrayList<>();

  public SyntheticFleet(SimulatorOptions options) {
    this.options = options;
    this.clock = options.clock();
    generate();
  }

  public Instant start() {
    return options.fleetStart();
  }

  public Instant end() {
    return options.fleetStart().plus(Duration.ofDays(options.days()));
  }

  public List<Device> allDevices() {
    return List.copyOf(devices);
  }

  public Optional<Device> device(String imei) {
    return devices.stream().filter(d -> d.imei().equals(imei)).findFirst();
  }

  /** The devices {@code jimi.user.device.list} lists for {@code target} now. */
  public List<Device> devices(String target) {
    Instant now = clock.instant();
    return devices.stream().filter(d -> d.targetAt(now).map(target::equals).orElse(false)).toList();
  }

  public List<Alarm> alarms(Collection<String> imeis, Instant from, Instant to) {
    return filter(
        alarms,
        a -> imeis.contains(a.imei()) && within(a.alertTime(), from, to) && past(a.alertTime()));
  }

  public List<Alarm> alarms(Instant from, Instant to) {
    return filter(alarms, a -> within(a.alertTime(), from, to) && past(a.alertTime()));
  }

  public List<Trip> trips(Collection<String> imeis, Instant from, Instant to) {
    return filter(
        trips,
        t -> imeis.contains(t.imei()) && within(t.startTime(), from, to) && past(t.endTime()));
  }

  public List<Trip> trips(Instant from, Instant to) {
    return filter(trips, t -> within(t.startTime(), from, to) && past(t.endTime()));
  }

  /** {@code accType} "off" parking, "on" idling. */
  public List<Stop> stops(Collection<String> imeis, String accType, Instant from, Instant to) {
    return filter(
        stops,
        s ->
            imeis.contains(s.imei())
                && s.accType().equals(accType)
                && within(s.startTime(), from, to)
                && past(s.endTime()));
  }

  public List<Stop> stops(String accType, Instant from, Instant to) {
    return filter(
        stops,
        s -> s.accType().equals(accType) && within(s.startTime(), from, to) && past(s.endTime()));
  }

  public List<Position> positions(String imei, Instant from, Instant to) {
    return filter(
        positions,
        p -> p.imei().equals(imei) && within(p.gpsTime(), from, to) && past(p.gpsTime()));
  }

  /** The device's latest fix at or before now, as the location list shows it. */
  public Optional<Position> latest(String imei) {
    Instant now = clock.instant();
    Position best = null;
    for (Position p : positions) {
      if (p.imei().equals(imei) && !p.gpsTime().isAfter(now)) {
        best = p;
      }
    }
    return Optional.ofNullable(best);
  }

  private boolean past(Instant t) {
    return !t.isAfter(clock.instant());
  }

  private static boolean within(Instant t, Instant from, Instant to) {
    return !t.isBefore(from) && !t.isAfter(to);
  }

  private static <T> List<T> filter(List<T> all, Predicate<T> keep) {
    return all.stream().filter(keep).toList();
  }

  private void generate() {
    int n = options.devices();
    Instant start = options.fleetStart();
    Instant end = end();
    Instant mid = start.plus(Duration.between(start, end).dividedBy(2));
    String main = options.userId();
    String sub = options.subAccount();
    for (int i = 0; i < n; i++) {
      String imei = String.format("86812014%07d", i + 1);
      String target = i % 3 == 2 ? sub : main;
      Instant added = n >= 2 && i == n - 1 ? mid : start.minus(Duration.ofDays(365));
      Instant removed = n >= 3 && i == n - 2 ? mid : null;
      boolean moves = n >= 4 && i == n - 3;
      devices.add(
          new Device(
              imei,
              "SIM-" + (i + 1),
              i % 2 == 0 ? "GT06N" : "JC400",
              target,
              added,
              removed,
              moves ? (target.equals(main) ? sub : main) : null,
              moves ? mid : null));
      generateHistory(imei, i, start, end);
    }
    Comparator<Instant> time = Comparator.naturalOrder();
    alarms.sort(
        Comparator.comparing(Alarm::alertTime, time)
            .thenComparing(Alarm::imei)
            .thenComparing(Alarm::alertTypeId));
    trips.sort(Comparator.comparing(Trip::startTime, time).thenComparing(Trip::imei));
    stops.sort(Comparator.comparing(Stop::startTime, time).thenComparing(Stop::imei));
    positions.sort(Comparator.comparing(Position::gpsTime, time).thenComparing(Position::imei));
  }

  private void generateHistory(String imei, int index, Instant start, Instant end) {
    Random r = new Random(options.seed() * 1_000_003L + index);
    double lat = round(-1.2921 + index * 0.013 + r.nextDouble() * 0.01);
    double lng = round(36.8219 + index * 0.011 + r.nextDouble() * 0.01);
    Instant t = start.plusSeconds(r.nextInt(3600));
    Set<String> alarmKeys = new java.util.HashSet<>();
    while (true) {
      Instant parkEnd = t.plusSeconds(3600 + r.nextInt(4 * 3600));
      Instant idleEnd = parkEnd.plusSeconds(60 + r.nextInt(540));
      int driveS = 600 + r.nextInt(3000);
      Instant tripEnd = idleEnd.plusSeconds(driveS);
      if (tripEnd.isAfter(end)) {
        break;
      }
      stops.add(new Stop(imei, "off", t, parkEnd, lat, lng));
      stops.add(new Stop(imei, "on", parkEnd, idleEnd, lat, lng));
      double speed = 20 + r.nextInt(70);
      int heading = r.nextInt(360);
      double maxSpeed = speed;
      double startLat = lat;
      double startLng = lng;
      addAlarm(alarmKeys, new Alarm(imei, "ACC_ON", "ACC On", idleEnd, lat, lng, 0));
      int minutes = driveS / 60;
      for (int m = 0; m <= minutes; m++) {
        Instant fix = idleEnd.plusSeconds(60L * m);
        double s = m == 0 ? 0 : Math.max(5, speed + r.nextInt(21) - 10);
        maxSpeed = Math.max(maxSpeed, s);
        double km = s / 60.0;
        lat = round(lat + Math.cos(Math.toRadians(heading)) * km / 111.0);
        lng = round(lng + Math.sin(Math.toRadians(heading)) * km / 111.0);
        positions.add(new Position(imei, fix, lat, lng, s, heading, true));
        if (s > 90 && r.nextInt(3) == 0) {
          addAlarm(alarmKeys, new Alarm(imei, "6", "Overspeed", fix, lat, lng, s));
        }
      }
      if (r.nextInt(40) == 0) {
        addAlarm(alarmKeys, new Alarm(imei, "1", "SOS", idleEnd.plusSeconds(30), lat, lng, speed));
      }
      addAlarm(alarmKeys, new Alarm(imei, "ACC_OFF", "ACC Off", tripEnd, lat, lng, 0));
      double distanceM = Math.round(speed * driveS / 3.6);
      trips.add(
          new Trip(
              imei,
              idleEnd,
              tripEnd,
              startLat,
              startLng,
              lat,
              lng,
              distanceM,
              driveS,
              Math.round(speed * 10) / 10.0,
              maxSpeed));
      t = tripEnd;
    }
  }

  private void addAlarm(Set<String> keys, Alarm alarm) {
    if (keys.add(alarm.alertTypeId() + "|" + alarm.alertTime())) {
      alarms.add(alarm);
    }
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
