package io.fleet.ingest.reporting;

import io.fleet.ingest.cli.FleetHistoryLoader;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.fleet.ingest.support.Sql;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The simulator's fleet history as lists that a test may edit (a vehicle parked for a whole day, a
 * day without any data), loaded into the raw tables; the same lists are the ground truth.
 */
final class FleetScenario {
  static final String ACCOUNT = "demo";
  final ZoneId zone;
  final Instant start;
  final Instant end;
  final List<Device> devices;
  final List<Trip> trips;
  final List<Stop> stops;
  final List<Alarm> alarms;
  final List<Position> positions;

  FleetScenario(ZoneId zone, long seed, int vehicles, int days, Instant start) {
    this.zone = zone;
    Instant now = start.plus(Duration.ofDays(days + 1));
    SyntheticFleet fleet =
        new SyntheticFleet(
            SimulatorOptions.defaults(Clock.fixed(now, ZoneOffset.UTC))
                .withFleet(seed, vehicles, days, start));
    this.start = fleet.start();
    this.end = fleet.end();
    this.devices = fleet.allDevices();
    this.trips = new ArrayList<>(fleet.trips(start, now));
    this.stops = new ArrayList<>(fleet.stops("off", start, now));
    this.stops.addAll(fleet.stops("on", start, now));
    this.alarms = new ArrayList<>(fleet.alarms(start, now));
    this.positions = new ArrayList<>();
    for (Device d : devices) {
      positions.addAll(fleet.positions(d.imei(), start, now));
    }
  }

  /** Local days from the fleet's first to its last. */
  List<LocalDate> days() {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = start.atZone(zone).toLocalDate();
        !d.isAfter(end.atZone(zone).toLocalDate());
        d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  Instant dayStart(LocalDate day) {
    return day.atStartOfDay(zone).toInstant();
  }

  Instant dayEnd(LocalDate day) {
    return day.plusDays(1).atStartOfDay(zone).toInstant();
  }

  /**
   * Removes the vehicle's trips and stops that overlap [from, to), with their fixes and alarms;
   * with {@code parkedInstead} the gap left becomes one parking stop.
   */
  void cut(String imei, Instant from, Instant to, boolean parkedInstead) {
    Predicate<Instant[]> overlaps = iv -> iv[0].isBefore(to) && iv[1].isAfter(from);
    Instant lo = from;
    Instant hi = to;
    for (Trip t : trips) {
      if (t.imei().equals(imei) && overlaps.test(new Instant[] {t.startTime(), t.endTime()})) {
        lo = min(lo, t.startTime());
        hi = max(hi, t.endTime());
      }
    }
    for (Stop s : stops) {
      if (s.imei().equals(imei) && overlaps.test(new Instant[] {s.startTime(), s.endTime()})) {
        lo = min(lo, s.startTime());
        hi = max(hi, s.endTime());
      }
    }
    Instant cutLo = lo;
    Instant cutHi = hi;
    trips.removeIf(
        t -> t.imei().equals(imei) && t.startTime().isBefore(cutHi) && t.endTime().isAfter(cutLo));
    stops.removeIf(
        s -> s.imei().equals(imei) && s.startTime().isBefore(cutHi) && s.endTime().isAfter(cutLo));
    positions.removeIf(
        p -> p.imei().equals(imei) && !p.gpsTime().isBefore(cutLo) && p.gpsTime().isBefore(cutHi));
    alarms.removeIf(
        a ->
            a.imei().equals(imei)
                && !a.alertTime().isBefore(cutLo)
                && a.alertTime().isBefore(cutHi));
    if (parkedInstead) {
      stops.add(new Stop(imei, "off", cutLo, cutHi, 0, 0));
    }
  }

  void load(DatabaseTarget db) throws Exception {
    try (Connection c = Sql.connect(db)) {
      c.setAutoCommit(false);
      FleetHistoryLoader.devices(c, ACCOUNT, devices);
      FleetHistoryLoader.trips(c, ACCOUNT, trips);
      FleetHistoryLoader.stops(c, ACCOUNT, stops);
      FleetHistoryLoader.alarms(c, ACCOUNT, alarms);
      FleetHistoryLoader.positions(c, positions);
      c.commit();
    }
  }

  /** Seconds of [a, b) inside [from, to). */
  static long overlap(Instant a, Instant b, Instant from, Instant to) {
    Instant lo = max(a, from);
    Instant hi = min(b, to);
    return hi.isAfter(lo) ? Duration.between(lo, hi).toSeconds() : 0;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
