package io.fleet.ingest.cli;

import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

/**
 * Loads a synthetic fleet's history straight into the raw tables over JDBC, as a finished poll
 * would have stored it. For benchmarks and tests of what is computed from the raw tables (the
 * reporting rollups), where polling months of history through the simulator would only measure the
 * pollers. Not a pipeline writer: the service never calls it.
 */
public final class FleetHistoryLoader {
  private static final int BATCH = 5000;

  private FleetHistoryLoader() {}

  public static void devices(Connection c, String account, Collection<Device> devices)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tracksolid.devices (imei, account, device_name, model, "
                + "sim, vehicle_number, driver_name, device_group) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      int i = 0;
      for (Device d : devices) {
        ps.setString(1, d.imei());
        ps.setString(2, account);
        ps.setString(3, d.name());
        ps.setString(4, d.model());
        ps.setString(5, "SIM-" + d.imei());
        ps.setString(6, "KDA " + d.imei().substring(d.imei().length() - 3));
        ps.setString(7, "Driver " + d.imei().substring(d.imei().length() - 3));
        ps.setString(8, i++ % 2 == 0 ? "north" : "south");
        ps.addBatch();
      }
      ps.executeBatch();
    }
    // The device sync would open each device's first assignment, reaching back to the start of
    // history; the synthetic history does the same, so the driver clock names its drivers.
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tracksolid.device_assignments (imei, valid_from, driver_name,"
                + " vehicle_number, recorded_at) SELECT imei, '-infinity', driver_name,"
                + " vehicle_number, now() FROM tracksolid.devices WHERE account = ?"
                + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, account);
      ps.executeUpdate();
    }
  }

  public static void trips(Connection c, String account, Collection<Trip> trips)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tracksolid.trips (imei, start_time, end_time, account, "
                + "start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, avg_speed_kmh, max_speed_kmh, source_method) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'mileage') ON CONFLICT DO NOTHING")) {
      int n = 0;
      for (Trip t : trips) {
        ps.setString(1, t.imei());
        ps.setObject(2, utc(t.startTime()));
        ps.setObject(3, utc(t.endTime()));
        ps.setString(4, account);
        ps.setDouble(5, t.startLat());
        ps.setDouble(6, t.startLng());
        ps.setDouble(7, t.endLat());
        ps.setDouble(8, t.endLng());
        ps.setDouble(9, t.distanceM());
        ps.setInt(10, t.durationS());
        ps.setDouble(11, t.avgSpeedKmh());
        ps.setDouble(12, t.maxSpeedKmh());
        ps.addBatch();
        if (++n % BATCH == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  public static void stops(Connection c, String account, Collection<Stop> stops)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tracksolid.parking (imei, kind, start_time, end_time, "
                + "account, duration_s, lat, lng) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      int n = 0;
      for (Stop s : stops) {
        ps.setString(1, s.imei());
        ps.setString(2, s.accType().equals("on") ? "idling" : "parking");
        ps.setObject(3, utc(s.startTime()));
        ps.setObject(4, utc(s.endTime()));
        ps.setString(5, account);
        ps.setInt(6, s.durationS());
        ps.setDouble(7, s.lat());
        ps.setDouble(8, s.lng());
        ps.addBatch();
        if (++n % BATCH == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  public static void alarms(Connection c, String account, Collection<Alarm> alarms)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, "
                + "alarm_name, account, lat, lng, speed_kmh, first_source, seen_by_poll) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'poll', true) ON CONFLICT DO NOTHING")) {
      int n = 0;
      for (Alarm a : alarms) {
        ps.setString(1, a.imei());
        ps.setString(2, a.alertTypeId());
        ps.setObject(3, utc(a.alertTime()));
        ps.setString(4, a.alertTypeName());
        ps.setString(5, account);
        ps.setDouble(6, a.lat());
        ps.setDouble(7, a.lng());
        ps.setDouble(8, a.speedKmh());
        ps.addBatch();
        if (++n % BATCH == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /** Fixes as the latest-position poll stores them; received a few seconds after the fix. */
  public static void positions(Connection c, Collection<Position> positions) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, "
                + "speed_kmh, direction, pos_type, acc, source, received_at) VALUES (?, ?, ?, ?, ?, ?, 'GPS', ?, 'poll', ?) "
                + "ON CONFLICT DO NOTHING")) {
      int n = 0;
      for (Position p : positions) {
        ps.setString(1, p.imei());
        ps.setObject(2, utc(p.gpsTime()));
        ps.setDouble(3, p.lat());
        ps.setDouble(4, p.lng());
        ps.setDouble(5, p.speedKmh());
        ps.setInt(6, p.direction());
        ps.setBoolean(7, p.accOn());
        ps.setObject(8, utc(p.gpsTime().plusSeconds(5 + (n % 50))));
        ps.addBatch();
        if (++n % BATCH == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
