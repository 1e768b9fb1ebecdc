package io.fleet.ingest.ingest;

import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.TripRecord;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a row must satisfy before it reaches SQL, the one copy of these rules for every path.
 *
 * <p>A row whose key or whose one essential value is unusable (IMEI, alarm type, event time, a
 * fix's coordinates) is refused with a {@link Reason} and quarantined. A row that is sound but
 * carries a value no device can have produced (a 31-year stop, a speed of 10^9 km/h, a point at
 * 0,0, an end before its start) is stored with that field empty: the vendor's value stays in the
 * row's raw JSON, and the run's ingestion_log detail counts it under {@code cleared}. Free text
 * loses NUL and lone surrogates and is capped; instants are kept to microseconds, as PostgreSQL
 * stores them, so two rows that differ by nanoseconds are one key before they reach the upsert.
 *
 * <p>Over 300 lines on purpose: every record type's rules stand here together, so what one path
 * accepts can be read beside what another does (the field-level helpers are {@link FieldRules}).
 */
public final class RowRules {
  /** Longest device id (IMEI or vendor device id): no real one comes near it. */
  public static final int MAX_IMEI = 32;

  /** Longest alarm type: a key column, so an index entry, which PostgreSQL caps near 2.7 kB. */
  public static final int MAX_ALARM_TYPE = 64;

  /** Longest push msgType, kept in a key column of push_messages. */
  public static final int MAX_MSG_TYPE = 128;

  /** Longest free text (names, addresses, vehicle numbers) kept in a column. */
  public static final int MAX_TEXT = 500;

  static final int MAX_DURATION_S = 366 * 24 * 3600;
  static final double MAX_SPEED_KMH = 1_000;
  static final double MAX_DISTANCE_M = 20_000_000;
  static final int MAX_SATELLITES = 255;

  private static final String[] ALARM_TIME = {"alertTime", "alarmTime"};
  private static final String[] START_TIME = {"startTime"};
  private static final String[] FIX_TIME = {"gpsTime", "gps_time", "positioningTime", "time"};

  private final TimestampGuard guard;

  public RowRules(TimestampGuard guard) {
    this.guard = guard;
  }

  /** The guard's clock: polled rows are judged as of now, pushed ones as of their receipt. */
  public Instant now() {
    return guard.now();
  }

  /** Judges every row; {@code raw} is the item as received, which a quarantined row keeps. */
  public <T> Judged<T> judge(
      String stream,
      List<T> rows,
      Instant now,
      BiFunction<T, Instant, Verdict<T>> rule,
      Function<T, JsonObject> raw) {
    List<T> ok = new ArrayList<>(rows.size());
    List<QuarantineItem> bad = new ArrayList<>();
    Map<String, Integer> cleared = new TreeMap<>();
    for (T row : rows) {
      switch (rule.apply(row, now)) {
        case Verdict.Accepted<T> a -> {
          ok.add(a.row());
          a.cleared().forEach(f -> cleared.merge(f, 1, Integer::sum));
        }
        case Verdict.Refused<T> r -> {
          JsonObject item = raw.apply(row);
          bad.add(
              new QuarantineItem(
                  stream,
                  r.reason().code(),
                  r.detail(),
                  r.imei(),
                  item == null ? new JsonObject() : item));
        }
      }
    }
    return new Judged<>(ok, bad, cleared);
  }

  public Verdict<AlarmRecord> alarm(AlarmRecord a, Instant now) {
    Verdict.Refused<AlarmRecord> bad = badDevice(a.imei());
    if (bad != null) {
      return bad;
    }
    if (a.alarmType() == null || a.alarmType().isBlank()) {
      return new Verdict.Refused<>(Reason.MISSING_ALARM_TYPE, "alarm has no alarm type", a.imei());
    }
    String why = invalid(a.alarmType(), MAX_ALARM_TYPE, "alarm type", false);
    if (why != null) {
      return new Verdict.Refused<>(Reason.INVALID_ALARM_TYPE, why, a.imei());
    }
    Verdict.Refused<AlarmRecord> time = keyTime(a.alarmTime(), a.raw(), a.imei(), now, ALARM_TIME);
    if (time != null) {
      return time;
    }
    FieldRules f = new FieldRules(guard, "alarms", now);
    double[] point = f.point("lat", a.lat(), a.lng());
    return new Verdict.Accepted<>(
        new AlarmRecord(
            a.imei(),
            a.alarmType(),
            micros(a.alarmTime()),
            f.text("alarm_name", a.alarmName()),
            f.text("device_name", a.deviceName()),
            f.text("account", a.account()),
            point == null ? null : point[0],
            point == null ? null : point[1],
            f.between("speed_kmh", a.speedKmh(), 0, MAX_SPEED_KMH),
            f.instant("position_time", a.positionTime()),
            f.text("geofence_id", a.geofenceId()),
            f.text("address", a.address()),
            a.raw()),
        f.cleared);
  }

  public Verdict<TripRecord> trip(TripRecord t, Instant now) {
    Verdict.Refused<TripRecord> bad = badDevice(t.imei());
    if (bad == null) {
      bad = keyTime(t.startTime(), t.raw(), t.imei(), now, START_TIME);
    }
    if (bad != null) {
      return bad;
    }
    FieldRules f = new FieldRules(guard, "trips", now);
    double[] start = f.point("start_lat", t.startLat(), t.startLng());
    double[] end = f.point("end_lat", t.endLat(), t.endLng());
    return new Verdict.Accepted<>(
        new TripRecord(
            t.imei(),
            micros(t.startTime()),
            f.end("end_time", t.startTime(), t.endTime()),
            f.text("account", t.account()),
            start == null ? null : start[0],
            start == null ? null : start[1],
            end == null ? null : end[0],
            end == null ? null : end[1],
            f.between("distance_m", t.distanceM(), 0, MAX_DISTANCE_M),
            f.duration("duration_s", t.durationS()),
            f.between("avg_speed_kmh", t.avgSpeedKmh(), 0, MAX_SPEED_KMH),
            f.between("max_speed_kmh", t.maxSpeedKmh(), 0, MAX_SPEED_KMH),
            f.text("start_address", t.startAddress()),
            f.text("end_address", t.endAddress()),
            f.text("source_method", t.sourceMethod()),
            t.raw()),
        f.cleared);
  }

  public Verdict<ParkingRecord> parking(ParkingRecord p, Instant now) {
    Verdict.Refused<ParkingRecord> bad = badDevice(p.imei());
    if (bad == null) {
      bad = keyTime(p.startTime(), p.raw(), p.imei(), now, START_TIME);
    }
    if (bad != null) {
      return bad;
    }
    FieldRules f = new FieldRules(guard, "parking", now);
    double[] point = f.point("lat", p.lat(), p.lng());
    return new Verdict.Accepted<>(
        new ParkingRecord(
            p.imei(),
            p.kind(),
            micros(p.startTime()),
            f.end("end_time", p.startTime(), p.endTime()),
            f.text("account", p.account()),
            f.duration("duration_s", p.durationS()),
            f.duration("stop_s", p.stopS()),
            point == null ? null : point[0],
            point == null ? null : point[1],
            f.text("vendor_address", p.vendorAddress()),
            f.text("address", p.address()),
            p.raw()),
        f.cleared);
  }

  /** A fix is its position: without usable coordinates there is nothing to store. */
  public Verdict<PositionRecord> position(PositionRecord p, Instant now) {
    Verdict.Refused<PositionRecord> bad = badDevice(p.imei());
    if (bad == null) {
      bad = keyTime(p.gpsTime(), p.raw(), p.imei(), now, FIX_TIME);
    }
    if (bad != null) {
      return bad;
    }
    if (!validPoint(p.lat(), p.lng())) {
      return new Verdict.Refused<>(
          Reason.BAD_COORDINATES,
          "lat " + p.lat() + ", lng " + p.lng() + ": missing, out of range or 0,0",
          p.imei());
    }
    FieldRules f = new FieldRules(guard, "position_history", now);
    return new Verdict.Accepted<>(
        new PositionRecord(
            p.imei(),
            micros(p.gpsTime()),
            p.lat(),
            p.lng(),
            f.between("speed_kmh", p.speedKmh(), 0, MAX_SPEED_KMH),
            f.whole("direction", p.direction(), 0, 360),
            f.text("pos_type", p.posType()),
            p.acc(),
            f.whole("satellites", p.satellites(), 0, MAX_SATELLITES),
            p.source(),
            p.raw()),
        f.cleared);
  }

  public Verdict<DeviceRecord> device(DeviceRecord d, Instant now) {
    Verdict.Refused<DeviceRecord> bad = badDevice(d.imei());
    if (bad != null) {
      return bad;
    }
    FieldRules f = new FieldRules(guard, "devices", now);
    return new Verdict.Accepted<>(
        new DeviceRecord(
            d.imei(),
            d.account(),
            f.text("device_name", d.deviceName()),
            f.text("model", d.model()),
            f.text("sim", d.sim()),
            f.text("vehicle_name", d.vehicleName()),
            f.text("vehicle_number", d.vehicleNumber()),
            f.text("driver_name", d.driverName()),
            f.text("driver_phone", d.driverPhone()),
            f.text("device_group_id", d.deviceGroupId()),
            f.text("device_group", d.deviceGroup()),
            f.calendar("expiration", d.expiration()),
            f.calendar("activation_time", d.activationTime()),
            d.vendorEnabled(),
            d.raw()),
        f.cleared);
  }

  /** Why {@code imei} cannot be a device id (missing, too long, not printable ASCII), else null. */
  private static <T> Verdict.Refused<T> badDevice(String imei) {
    if (imei == null || imei.isBlank()) {
      return new Verdict.Refused<>(Reason.MISSING_IMEI, "row has no imei", null);
    }
    String why = invalidImei(imei);
    // The id itself is not kept in the quarantine's imei column: it is what is wrong.
    return why == null ? null : new Verdict.Refused<>(Reason.INVALID_IMEI, why, null);
  }

  /**
   * Null when {@code imei} can be a device id, else why not, without quoting it: at most {@link
   * #MAX_IMEI} ASCII letters, digits, '-', '_' or '.'. A comma or a space is refused above all,
   * since the vendor API takes IMEIs as a comma list: one such id would break every call of its
   * whole chunk of devices.
   */
  public static String invalidImei(String imei) {
    String why = invalid(imei, MAX_IMEI, "imei", true);
    if (why != null || imei == null) {
      return why;
    }
    for (int i = 0; i < imei.length(); i++) {
      char c = imei.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '-' && c != '_' && c != '.') {
        return "imei holds a character other than a letter, digit, '-', '_' or '.' (at " + i + ")";
      }
    }
    return null;
  }

  /** Null when {@code msgType} fits its key column, else why not. */
  public static String invalidMsgType(String msgType) {
    return invalid(msgType, MAX_MSG_TYPE, "msgType", false);
  }

  /** Null when {@code type} fits the alarm key, else why not. */
  public static String invalidAlarmType(String type) {
    return invalid(type, MAX_ALARM_TYPE, "alarm type", false);
  }

  /**
   * Null when the value is at most {@code max} characters (all printable ASCII when asked, no
   * broken surrogate; a NUL is dropped where the value is bound), else why not, without quoting it.
   */
  private static String invalid(String value, int max, String what, boolean printable) {
    if (value == null) {
      return null;
    }
    if (value.length() > max) {
      return what + " is " + value.length() + " characters long; at most " + max + " are allowed";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (printable && (c < 0x20 || c > 0x7e)) {
        return what + " holds a character that is not printable ASCII (at " + i + ")";
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // A key must survive the trip to PostgreSQL unchanged; a broken pair would not.
        return what + " holds a broken UTF-16 surrogate (at " + i + ")";
      }
    }
    return null;
  }

  /** A key time that is missing, unreadable or outside the guard, else null. */
  private <T> Verdict.Refused<T> keyTime(
      Instant time, JsonObject raw, String imei, Instant now, String... names) {
    if (time == null) {
      boolean present = false;
      for (String n : names) {
        present |= raw != null && raw.getValue(n) != null;
      }
      return present
          ? new Verdict.Refused<>(Reason.UNPARSEABLE_TIME, "event time unreadable", imei)
          : new Verdict.Refused<>(Reason.MISSING_TIME, "no " + String.join(" or ", names), imei);
    }
    return guard
        .check(time, now)
        .map(r -> new Verdict.Refused<T>(Reason.ofCode(r), guard.describe(time, r, now), imei))
        .orElse(null);
  }

  static boolean validPoint(Double lat, Double lng) {
    return lat != null
        && lng != null
        && Double.isFinite(lat)
        && Double.isFinite(lng)
        && Math.abs(lat) <= 90
        && Math.abs(lng) <= 180
        && !(lat == 0 && lng == 0);
  }

  static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }
}
