package io.fleet.ingest.simulator;

import static io.fleet.ingest.simulator.SimParams.account;
import static io.fleet.ingest.simulator.SimParams.imeis;
import static io.fleet.ingest.simulator.SimParams.intParam;
import static io.fleet.ingest.simulator.SimParams.oneMonth;
import static io.fleet.ingest.simulator.SimParams.requireAll;
import static io.fleet.ingest.simulator.SimParams.rowPage;
import static io.fleet.ingest.simulator.SimParams.target;
import static io.fleet.ingest.simulator.SimParams.window;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The emulated business methods: parameter checks with the vendor's codes (1001 bad parameter, 1002
 * not in the account tree), the documented limits and vendor paging, over rows built by {@link
 * SimRows} and served through {@link GarbageMaker}. Unknown IMEIs in a list are ignored; a single
 * unknown {@code imei} (track.list) is 1002.
 */
final class SimMethods {
  static final String ALARMS = "jimi.device.alarm.list";
  static final String MILEAGE = "jimi.device.track.mileage";
  static final String TRIPS = "jimi.open.platform.report.trips";
  static final String PARKING = "jimi.open.platform.report.parking";
  static final String DEVICES = "jimi.user.device.list";
  static final String LOCATIONS = "jimi.user.device.location.list";
  static final String TRACK = "jimi.device.track.list";

  private final SyntheticFleet fleet;
  private final SimulatorOptions options;
  private final GarbageMaker garbage;
  private volatile int startRowBase;

  SimMethods(SyntheticFleet fleet, SimulatorOptions options, GarbageMaker garbage) {
    this.fleet = fleet;
    this.options = options;
    this.garbage = garbage;
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
      case ALARMS -> alarmList(p, repeat);
      case MILEAGE -> mileage(p);
      case TRIPS -> reportTrips(p, repeat);
      case PARKING -> parking(p, repeat);
      case DEVICES -> deviceList(p);
      case LOCATIONS -> locationList(p);
      case TRACK -> trackList(p);
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
    int from = ((repeat ? 1 : pageNo) - 1) * pageSize;
    JsonArray result =
        garbage.paged(
            ALARMS,
            slice(rows, from, pageSize),
            previous(rows, from, pageSize),
            ServedRows::key,
            a -> SimRows.alarm(a, device(a.imei())));
    return new JsonObject().put("result", result);
  }

  private JsonObject mileage(Map<String, String> p) {
    List<String> imeis = imeis(p, true);
    Instant[] w = oneMonth(window(p, "begin_time", "end_time"));
    List<Trip> trips = fleet.trips(Set.copyOf(imeis), w[0], w[1]);
    JsonArray result = garbage.unpaged(MILEAGE, trips, ServedRows::key, SimRows::mileage);
    Map<String, Double> totals = new LinkedHashMap<>();
    for (Trip t : trips) {
      totals.merge(t.imei(), t.distanceM(), Double::sum);
    }
    JsonArray data = new JsonArray();
    totals.forEach(
        (imei, m) -> data.add(new JsonObject().put("imei", imei).put("totalMileage", m)));
    return new JsonObject().put("result", result).put("data", data);
  }

  /**
   * The rows of type=list are devices, each with its trips grouped by day. Garbage breaks and
   * doubles trips within their day; a trip repeating on the next page comes back in an entry of its
   * device holding only the repeated trips.
   */
  private JsonObject reportTrips(Map<String, String> p, boolean repeat) {
    requireAll(p, "account", "imeis", "type", "start_time", "end_time", "start_row", "page_size");
    account(p, options);
    if (!p.get("type").equals("list")) {
      throw new SimError("1100", "the simulator emulates type=list only");
    }
    List<String> imeis = imeis(p, true);
    Instant[] w = oneMonth(window(p, "start_time", "end_time"));
    List<List<Trip>> perDevice = new ArrayList<>();
    for (String imei : imeis) {
      List<Trip> trips = fleet.trips(Set.of(imei), w[0], w[1]);
      if (!trips.isEmpty()) {
        perDevice.add(trips);
      }
    }
    int[] page = rowPage(p, repeat, startRowBase);
    JsonArray dayList = new JsonArray();
    List<List<Trip>> devices = slice(perDevice, page[0], page[1]);
    // Trips repeating from the page before come first, as if the vendor's list had shifted; past
    // the last page nothing repeats.
    List<List<Trip>> before = devices.isEmpty() ? List.of() : previous(perDevice, page[0], page[1]);
    for (List<Trip> trips : before) {
      List<Trip> again = garbage.repeating(TRIPS, trips, ServedRows::key);
      if (!again.isEmpty()) {
        dayList.add(tripsEntry(again, SimMethods::unchangedTrips));
      }
    }
    for (List<Trip> trips : devices) {
      dayList.add(
          tripsEntry(
              trips,
              day -> garbage.paged(TRIPS, day, List.of(), ServedRows::key, SimRows::reportTrip)));
    }
    return new JsonObject()
        .put("result", (Object) null)
        .put(
            "data",
            new JsonObject().put("dataTotalRows", perDevice.size()).put("dayList", dayList));
  }

  /** One device's dayList entry: {@code trips} (all of that device, in time order) by UTC day. */
  private JsonObject tripsEntry(List<Trip> trips, Function<List<Trip>, JsonArray> dayRows) {
    Map<LocalDate, List<Trip>> days = new LinkedHashMap<>();
    for (Trip t : trips) {
      days.computeIfAbsent(
              t.startTime().atZone(ZoneOffset.UTC).toLocalDate(), d -> new ArrayList<>())
          .add(t);
    }
    JsonArray tripsData = new JsonArray();
    days.forEach(
        (day, list) -> {
          JsonArray dayData = dayRows.apply(list);
          tripsData.add(
              new JsonObject()
                  .put("Searchdate", day.toString())
                  .put("tripNum", dayData.size())
                  .put("dayData", dayData));
        });
    String imei = trips.get(0).imei();
    return new JsonObject()
        .put("imei", imei)
        .put("deviceName", device(imei).name())
        .put("inTotal", new JsonObject().put("allTrips", trips.size()))
        .put("tripsData", tripsData);
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
    long total = 0;
    for (Stop s : rows) {
      total += s.durationS();
    }
    JsonArray out =
        garbage.paged(
            PARKING,
            slice(rows, page[0], page[1]),
            previous(rows, page[0], page[1]),
            ServedRows::key,
            s -> SimRows.stop(s, device(s.imei())));
    return new JsonObject()
        .put("result", (Object) null)
        .put(
            "data",
            new JsonObject()
                .put("totalTime", SimRows.fmt((double) total))
                .put("dataTotalRows", rows.size())
                .put("rows", out));
  }

  private JsonObject deviceList(Map<String, String> p) {
    JsonArray result =
        garbage.unpaged(DEVICES, fleet.devices(target(p, options)), Device::imei, SimRows::device);
    return new JsonObject().put("result", result);
  }

  private JsonObject locationList(Map<String, String> p) {
    List<Fix> fixes = new ArrayList<>();
    for (Device d : fleet.devices(target(p, options))) {
      fleet.latest(d.imei()).ifPresent(pos -> fixes.add(new Fix(d, pos)));
    }
    JsonArray result =
        garbage.unpaged(
            LOCATIONS, fixes, f -> ServedRows.key(f.pos()), f -> SimRows.location(f.pos(), f.d()));
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
    JsonArray result =
        garbage.unpaged(TRACK, fleet.positions(imei, w[0], w[1]), ServedRows::key, SimRows::point);
    return new JsonObject().put("result", result).put("data", new JsonObject().put("mileage", 0));
  }

  /** Repeated trips are served as they were the first time: unchanged. */
  private static JsonArray unchangedTrips(List<Trip> day) {
    JsonArray out = new JsonArray();
    day.forEach(t -> out.add(SimRows.reportTrip(t)));
    return out;
  }

  /** A device's latest fix, as the location list shows it. */
  private record Fix(Device d, Position pos) {}

  private Device device(String imei) {
    return fleet.device(imei).orElseThrow();
  }

  private static <T> List<T> slice(List<T> all, int from, int size) {
    if (from >= all.size() || from < 0) {
      return List.of();
    }
    return all.subList(from, Math.min(all.size(), from + size));
  }

  /** The page of {@code size} before the one starting at {@code from} (the rows just before). */
  private static <T> List<T> previous(List<T> all, int from, int size) {
    if (from <= 0 || from > all.size()) {
      return List.of();
    }
    return all.subList(Math.max(0, from - size), from);
  }
}
