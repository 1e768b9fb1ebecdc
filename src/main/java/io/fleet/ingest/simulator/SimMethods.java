package io.fleet.ingest.simulator;

import static io.fleet.ingest.simulator.SimParams.account;
import static io.fleet.ingest.simulator.SimParams.imeis;
import static io.fleet.ingest.simulator.SimParams.intParam;
import static io.fleet.ingest.simulator.SimParams.oneMonth;
import static io.fleet.ingest.simulator.SimParams.requireAll;
import static io.fleet.ingest.simulator.SimParams.rowPage;
import static io.fleet.ingest.simulator.SimParams.target;
import static io.fleet.ingest.simulator.SimParams.window;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The emulated business methods: parameter checks with the vendor's codes (1001 bad parameter, 1002
 * not in the account tree), the documented limits, vendor paging and the vendor's field names.
 * Odd-numbered devices send numbers as strings and the alternative spellings ({@code
 * alertTypeName}, {@code elapsed}) so clients meet both. Unknown IMEIs in a list are ignored; a
 * single unknown {@code imei} (track.list) is 1002.
 */
final class SimMethods {
  static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final SyntheticFleet fleet;
  private final SimulatorOptions options;
  private volatile int startRowBase;

  SimMethods(SyntheticFleet fleet, SimulatorOptions options) {
    this.fleet = fleet;
    this.options = options;
    this.startRowBase = options.startRowBase();
  }

  /** The vendor starts counting start_row from {@code base} (as after a vendor deploy). */
  void startRowBase(int base) {
    this.startRowBase = base;
  }

  /**
   * The envelope fields besides code/message: "result" and/or "data". {@code repeat} serves page 1
   * again.
   */
  JsonObject answer(String method, Map<String, String> p, boolean repeat) {
    return switch (method) {
      case "jimi.device.alarm.list" -> alarmList(p, repeat);
      case "jimi.device.track.mileage" -> mileage(p);
      case "jimi.open.platform.report.trips" -> reportTrips(p, repeat);
      case "jimi.open.platform.report.parking" -> parking(p, repeat);
      case "jimi.user.device.list" -> deviceList(p);
      case "jimi.user.device.location.list" -> locationList(p);
      case "jimi.device.track.list" -> trackList(p);
      default -> throw new SimError("1001", "method not supported by the simulator: " + method);
    };
  }

  private JsonObject alarmList(Map<String, String> p, boolean repeat) {
    List<String> imeis = imeis(p, true);
    int pageSize = intParam(p, "page_size", 50, 1, 100);
    int pageNo = intParam(p, "page_no", 1, 1, Integer.MAX_VALUE);
    List<Alarm> rows;
    if (!p.containsKey("begin_time") && !p.containsKey("end_time")) {
      Instant now = options.clock().instant();
      List<Alarm> month =
          fleet.alarms(
              Set.copyOf(imeis), now.atZone(ZoneOffset.UTC).minusMonths(1).toInstant(), now);
      rows = month.subList(Math.max(0, month.size() - 50), month.size());
    } else {
      Instant[] w = oneMonth(window(p, "begin_time", "end_time"));
      rows = fleet.alarms(Set.copyOf(imeis), w[0], w[1]);
    }
    rows = rows.subList(0, Math.min(rows.size(), 1000));
    int page = repeat ? 1 : pageNo;
    JsonArray result = new JsonArray();
    for (Alarm a : slice(rows, (page - 1) * pageSize, pageSize)) {
      boolean odd = odd(a.imei());
      Device d = fleet.device(a.imei()).orElseThrow();
      result.add(
          new JsonObject()
              .put("imei", a.imei())
              .put("deviceName", d.name())
              .put("model", d.model())
              .put("account", d.target())
              .put("alertTypeId", a.alertTypeId())
              .put(odd ? "alertTypeName" : "alarmTypeName", a.alertTypeName())
              .put("alertTime", Lenient.format(a.alertTime()))
              .put("positioningTime", Lenient.format(a.alertTime()))
              .put("lat", num(a.lat(), odd))
              .put("lng", num(a.lng(), odd))
              .put("speed", fmt(a.speedKmh()))
              .put("geoid", "")
              .put("vendorExtra", "ignored"));
    }
    return new JsonObject().put("result", result);
  }

  private JsonObject mileage(Map<String, String> p) {
    List<String> imeis = imeis(p, true);
    Instant[] w = oneMonth(window(p, "begin_time", "end_time"));
    JsonArray result = new JsonArray();
    Map<String, Double> totals = new LinkedHashMap<>();
    for (Trip t : fleet.trips(Set.copyOf(imeis), w[0], w[1])) {
      boolean odd = odd(t.imei());
      result.add(
          tripJson(t, odd)
              .put(odd ? "elapsed" : "runTimeSecond", odd ? fmt(t.durationS()) : t.durationS())
              .put("distance", num(t.distanceM(), odd))
              .put("avgSpeed", num(t.avgSpeedKmh(), odd))
              .put("maxSpeed", num(t.maxSpeedKmh(), odd)));
      totals.merge(t.imei(), t.distanceM(), Double::sum);
    }
    JsonArray data = new JsonArray();
    totals.forEach(
        (imei, m) -> data.add(new JsonObject().put("imei", imei).put("totalMileage", m)));
    return new JsonObject().put("result", result).put("data", data);
  }

  private JsonObject reportTrips(Map<String, String> p, boolean repeat) {
    requireAll(p, "account", "imeis", "type", "start_time", "end_time", "start_row", "page_size");
    account(p, options);
    if (!p.get("type").equals("list")) {
      throw new SimError("1100", "the simulator emulates type=list only");
    }
    List<String> imeis = imeis(p, true);
    Instant[] w = oneMonth(window(p, "start_time", "end_time"));
    List<JsonObject> perDevice = new ArrayList<>();
    for (String imei : imeis) {
      List<Trip> trips = fleet.trips(Set.of(imei), w[0], w[1]);
      if (trips.isEmpty()) {
        continue;
      }
      Map<LocalDate, JsonArray> days = new LinkedHashMap<>();
      for (Trip t : trips) {
        days.computeIfAbsent(
                t.startTime().atZone(ZoneOffset.UTC).toLocalDate(), d -> new JsonArray())
            .add(
                tripJson(t, true)
                    .put("totalMileage", fmt(t.distanceM() / 1000.0))
                    .put("travelTime", fmt(t.durationS()))
                    .put("averageSpeed", fmt(t.avgSpeedKmh()))
                    .put("maxSpeed", fmt(t.maxSpeedKmh()))
                    .put("oilWear", "0")
                    .put("fuel", "0"));
      }
      JsonArray tripsData = new JsonArray();
      days.forEach(
          (day, list) ->
              tripsData.add(
                  new JsonObject()
                      .put("Searchdate", day.toString())
                      .put("tripNum", list.size())
                      .put("dayData", list)));
      perDevice.add(
          new JsonObject()
              .put("imei", imei)
              .put("deviceName", fleet.device(imei).orElseThrow().name())
              .put("inTotal", new JsonObject().put("allTrips", trips.size()))
              .put("tripsData", tripsData));
    }
    int[] page = rowPage(p, repeat, startRowBase);
    return new JsonObject()
        .put("result", (Object) null)
        .put(
            "data",
            new JsonObject()
                .put("dataTotalRows", perDevice.size())
                .put("dayList", new JsonArray(slice(perDevice, page[0], page[1]))));
  }

  private JsonObject parking(Map<String, String> p, boolean repeat) {
    requireAll(
        p, "account", "imeis", "start_time", "end_time", "start_row", "page_size", "acc_type");
    account(p, options);
    String acc = p.get("acc_type");
    if (!acc.equals("on") && !acc.equals("off")) {
      throw new SimError("1001", "acc_type must be on or off");
    }
    Instant[] w = oneMonth(window(p, "start_time", "end_time"));
    List<Stop> rows = fleet.stops(Set.copyOf(imeis(p, true)), acc, w[0], w[1]);
    int[] page = rowPage(p, repeat, startRowBase);
    JsonArray out = new JsonArray();
    long total = 0;
    for (Stop s : rows) {
      total += s.durationS();
    }
    for (Stop s : slice(rows, page[0], page[1])) {
      Device d = fleet.device(s.imei()).orElseThrow();
      out.add(
          new JsonObject()
              .put("imei", s.imei())
              .put("deviceName", d.name())
              .put("mcType", d.model())
              .put("startTime", ISO_MILLIS.format(s.startTime()))
              .put("endTime", ISO_MILLIS.format(s.endTime()))
              .put("durSecond", fmt(s.durationS()))
              .put("stopSecond", fmt(s.durationS()))
              .put("lat", s.lat())
              .put("lng", s.lng())
              .put("addr", "Simulated Rd " + (s.imei().hashCode() & 0xff))
              .put("acc", acc.equals("on") ? "1" : "0"));
    }
    return new JsonObject()
        .put("result", (Object) null)
        .put(
            "data",
            new JsonObject()
                .put("totalTime", fmt(total))
                .put("dataTotalRows", rows.size())
                .put("rows", out));
  }

  private JsonObject deviceList(Map<String, String> p) {
    String target = target(p, options);
    JsonArray result = new JsonArray();
    for (Device d : fleet.devices(target)) {
      result.add(
          new JsonObject()
              .put("imei", d.imei())
              .put("deviceName", d.name())
              .put("mcType", d.model())
              .put("mcTypeUseScope", "automobile")
              .put("sim", "2547" + d.imei().substring(7))
              .put("reMark", null)
              .put("expiration", "2030-01-01 00:00:00")
              .put("activationTime", "2024-01-01 00:00:00")
              .put("vehicleName", "Truck " + d.name())
              .put("vehicleNumber", "K" + d.imei().substring(10))
              .put("driverName", null)
              .put("driverPhone", null)
              .put("enabledFlag", 1)
              .put("deviceGroupId", "0")
              .put("deviceGroup", "Default group"));
    }
    return new JsonObject().put("result", result);
  }

  private JsonObject locationList(Map<String, String> p) {
    String target = target(p, options);
    JsonArray result = new JsonArray();
    for (Device d : fleet.devices(target)) {
      fleet
          .latest(d.imei())
          .ifPresent(
              pos -> {
                boolean odd = odd(d.imei());
                result.add(
                    new JsonObject()
                        .put("imei", d.imei())
                        .put("deviceName", d.name())
                        .put("status", "1")
                        .put("lat", num(pos.lat(), odd))
                        .put("lng", num(pos.lng(), odd))
                        .put("posType", "GPS")
                        .put("gpsTime", Lenient.format(pos.gpsTime()))
                        .put("hbTime", Lenient.format(pos.gpsTime()))
                        .put("speed", fmt(pos.speedKmh()))
                        .put("accStatus", pos.accOn() ? "1" : "0")
                        .put("direction", fmt(pos.direction()))
                        .put("gpsNum", "9")
                        .put("gpsSignal", "4"));
              });
    }
    return new JsonObject().put("result", result);
  }

  private JsonObject trackList(Map<String, String> p) {
    requireAll(p, "imei", "begin_time", "end_time");
    String imei = p.get("imei");
    if (imei.contains(",")) {
      throw new SimError("1001", "track.list takes one imei");
    }
    if (fleet.device(imei).isEmpty()) {
      throw new SimError("1002", "device not in your account tree: " + imei);
    }
    Instant[] w = window(p, "begin_time", "end_time");
    if (Duration.between(w[0], w[1]).compareTo(Duration.ofDays(7)) > 0) {
      throw new SimError("1001", "time range exceeds 7 days");
    }
    if (w[0].isBefore(
        options.clock().instant().atZone(ZoneOffset.UTC).minusMonths(3).toInstant())) {
      throw new SimError("1001", "begin_time older than 3 months");
    }
    JsonArray result = new JsonArray();
    for (Position pos : fleet.positions(imei, w[0], w[1])) {
      result.add(
          new JsonObject()
              .put("lat", pos.lat())
              .put("lng", pos.lng())
              .put("gpsTime", Lenient.format(pos.gpsTime()))
              .put("direction", pos.direction())
              .put("gpsSpeed", fmt(pos.speedKmh()))
              .put("posType", "1")
              .put("satellite", 9)
              .put("accStatus", pos.accOn() ? "ON" : "OFF")
              .put("gpsMode", 0));
    }
    return new JsonObject().put("result", result).put("data", new JsonObject().put("mileage", 0));
  }

  // ---- row helpers --------------------------------------------------------------------------

  private JsonObject tripJson(Trip t, boolean asStrings) {
    return new JsonObject()
        .put("imei", t.imei())
        .put("startTime", Lenient.format(t.startTime()))
        .put("endTime", Lenient.format(t.endTime()))
        .put("startLat", num(t.startLat(), asStrings))
        .put("startLng", num(t.startLng(), asStrings))
        .put("endLat", num(t.endLat(), asStrings))
        .put("endLng", num(t.endLng(), asStrings));
  }

  private static <T> List<T> slice(List<T> all, int from, int size) {
    if (from >= all.size() || from < 0) {
      return List.of();
    }
    return all.subList(from, Math.min(all.size(), from + size));
  }

  private static boolean odd(String imei) {
    return (imei.charAt(imei.length() - 1) - '0') % 2 == 1;
  }

  private static Object num(double v, boolean asString) {
    return asString ? fmt(v) : v;
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
