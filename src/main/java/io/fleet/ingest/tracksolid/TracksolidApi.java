package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed vendor methods the pollers use. Each splits a request to the vendor's limits (IMEIs per
 * call, window length, pages), runs the pieces one after another on the account's client and
 * returns the items deduplicated on their natural key. Windows are inclusive at both ends, as the
 * vendor's {@code begin_time}/{@code end_time}, so adjacent pieces may overlap by a second.
 */
public final class TracksolidApi {
  private static final Logger log = LoggerFactory.getLogger(TracksolidApi.class);
  public static final int MAX_IMEIS = 100;
  public static final int PAGE_SIZE = 100;

  /** The alarm list serves at most this many rows for one query; a full window is split in two. */
  public static final int ALARM_ROW_CAP = 1000;

  public static final Duration TRACK_MAX_WINDOW = Duration.ofDays(7);

  private final TracksolidClient client;

  /** start_row paging with the base learned from this account's vendor (0 or 1 is left open). */
  private final RowPager rows;

  public TracksolidApi(TracksolidClient client) {
    this.client = client;
    this.rows = new RowPager(client, PAGE_SIZE);
  }

  public TracksolidClient client() {
    return client;
  }

  /**
   * The start_row base in use: 1 until the vendor gives evidence it counts from 0 (see {@link
   * RowPager}).
   */
  public int startRowBase() {
    return rows.base();
  }

  // ---- alarms -------------------------------------------------------------------------------

  public Future<List<VendorAlarm>> alarms(List<String> imeis, Instant from, Instant to) {
    return collect(
        pieces(imeis, from, to), p -> alarmWindow(p.imeis(), p.from(), p.to()), VendorAlarm::key);
  }

  private Future<List<VendorAlarm>> alarmWindow(String imeis, Instant from, Instant to) {
    return alarmPages(imeis, from, to, 1, new ArrayList<>(), List.of(), false)
        .compose(
            rows -> {
              if (rows.size() >= ALARM_ROW_CAP && Duration.between(from, to).getSeconds() > 1) {
                // The vendor stops at 1000 rows: halve the window until each half fits.
                Instant mid = from.plusSeconds(Duration.between(from, to).getSeconds() / 2);
                List<VendorAlarm> both = new ArrayList<>();
                return alarmWindow(imeis, from, mid)
                    .compose(
                        a -> {
                          both.addAll(a);
                          return alarmWindow(imeis, mid, to);
                        })
                    .map(
                        b -> {
                          both.addAll(b);
                          return both;
                        });
              }
              return Future.succeededFuture(rows);
            });
  }

  private Future<List<VendorAlarm>> alarmPages(
      String imeis,
      Instant from,
      Instant to,
      int page,
      List<VendorAlarm> acc,
      List<String> previousKeys,
      boolean refetched) {
    Map<String, String> params =
        Map.of(
            "imeis",
            imeis,
            "begin_time",
            Lenient.format(from),
            "end_time",
            Lenient.format(to),
            "page_no",
            Integer.toString(page),
            "page_size",
            Integer.toString(PAGE_SIZE));
    return client
        .call("jimi.device.alarm.list", params)
        .compose(
            env -> {
              List<VendorAlarm> rows =
                  items(env.getValue("result")).stream().map(VendorAlarm::from).toList();
              List<String> keys = rows.stream().map(VendorAlarm::key).toList();
              if (!rows.isEmpty() && keys.equals(previousKeys)) {
                if (!refetched) {
                  return alarmPages(imeis, from, to, page, acc, previousKeys, true);
                }
                // Returning what we have would let the slice commit and the checkpoint pass the
                // missing alarms.
                log.warn(
                    "tracksolid {} jimi.device.alarm.list: page {} repeats page {} twice for {}..{}; failing the window",
                    client.account().name(),
                    page,
                    page - 1,
                    from,
                    to);
                return Future.failedFuture(
                    new MalformedResponseException(
                        "jimi.device.alarm.list",
                        "page_no=" + page + " served the previous page again twice",
                        "",
                        null));
              }
              acc.addAll(rows);
              if (rows.size() < PAGE_SIZE || acc.size() >= ALARM_ROW_CAP) {
                return Future.succeededFuture(acc);
              }
              return alarmPages(imeis, from, to, page + 1, acc, keys, false);
            });
  }

  // ---- trips --------------------------------------------------------------------------------

  /** Trips from {@code jimi.device.track.mileage}, ≤ 100 IMEIs and ≤ 1 month per call. */
  public Future<List<VendorTrip>> mileageTrips(List<String> imeis, Instant from, Instant to) {
    return collect(
        pieces(imeis, from, to),
        p ->
            client
                .call(
                    VendorTrip.MILEAGE,
                    Map.of(
                        "imeis",
                        p.imeis(),
                        "begin_time",
                        Lenient.format(p.from()),
                        "end_time",
                        Lenient.format(p.to())))
                .map(
                    env ->
                        items(env.getValue("result")).stream()
                            .map(VendorTrip::fromMileage)
                            .toList()),
        VendorTrip::key);
  }

  /**
   * Trips from {@code jimi.open.platform.report.trips} type=list, ≤ 1 month per call, paged by
   * start_row over devices.
   */
  public Future<List<VendorTrip>> reportTrips(
      String account, List<String> imeis, Instant from, Instant to) {
    return collect(
        pieces(imeis, from, to),
        p ->
            rows.rows(
                    VendorTrip.REPORT,
                    Map.of(
                        "account",
                        account,
                        "imeis",
                        p.imeis(),
                        "type",
                        "list",
                        "start_time",
                        Lenient.format(p.from()),
                        "end_time",
                        Lenient.format(p.to())),
                    data ->
                        new RowPager.Page(
                            items(data.getValue("dayList")),
                            Lenient.integer(data, "dataTotalRows").orElse(-1)),
                    device -> rowKey(device, "imei"))
                .map(TracksolidApi::dayDataTrips),
        VendorTrip::key);
  }

  /** The trips of report.trips' devices, each under its days' {@code dayData}. */
  private static List<VendorTrip> dayDataTrips(List<JsonObject> devices) {
    List<VendorTrip> trips = new ArrayList<>();
    for (JsonObject device : devices) {
      String imei = Lenient.text(device, "imei").orElse(null);
      for (JsonObject day : items(device.getValue("tripsData"))) {
        for (JsonObject trip : items(day.getValue("dayData"))) {
          trips.add(VendorTrip.fromReportDayData(trip, imei));
        }
      }
    }
    return trips;
  }

  // ---- parking / idling ---------------------------------------------------------------------

  /**
   * {@code accType} "off" = parking, "on" = idling; ≤ 1 month per call, paged by start_row until
   * dataTotalRows.
   */
  public Future<List<VendorParking>> parking(
      String account, List<String> imeis, Instant from, Instant to, String accType) {
    if (!"on".equals(accType) && !"off".equals(accType)) {
      return Future.failedFuture(
          new IllegalArgumentException("acc_type is on or off, got " + accType));
    }
    return collect(
        pieces(imeis, from, to),
        p ->
            rows.rows(
                    "jimi.open.platform.report.parking",
                    Map.of(
                        "account",
                        account,
                        "imeis",
                        p.imeis(),
                        "acc_type",
                        accType,
                        "start_time",
                        Lenient.format(p.from()),
                        "end_time",
                        Lenient.format(p.to())),
                    data ->
                        new RowPager.Page(
                            items(data.getValue("rows")),
                            Lenient.integer(data, "dataTotalRows").orElse(-1)),
                    row -> rowKey(row, "imei", "startTime"))
                .map(list -> list.stream().map(j -> VendorParking.from(j, accType)).toList()),
        VendorParking::key);
  }

  /**
   * A row's identity from its raw fields (no parsing, so odd values cannot merge rows); whole row
   * when absent.
   */
  private static String rowKey(JsonObject row, String... fields) {
    StringBuilder key = new StringBuilder();
    boolean any = false;
    for (String f : fields) {
      Object v = row.getValue(f);
      any |= v != null;
      key.append(v).append('|');
    }
    return any ? key.toString() : row.encode();
  }

  // ---- devices and positions ----------------------------------------------------------------

  public Future<List<VendorDevice>> devices(String target) {
    return client
        .call("jimi.user.device.list", Map.of("target", target))
        .map(
            env ->
                items(env.getValue("result")).stream()
                    .map(j -> VendorDevice.from(j, target))
                    .toList());
  }

  public Future<List<VendorLocation>> locations(String target) {
    return client
        .call("jimi.user.device.location.list", Map.of("target", target))
        .map(env -> items(env.getValue("result")).stream().map(VendorLocation::from).toList());
  }

  /** Fixes of one device, ≤ 7 days per call. */
  public Future<List<VendorTrackPoint>> track(String imei, Instant from, Instant to) {
    List<Piece> weeks = new ArrayList<>();
    for (Instant start = from; start.isBefore(to); start = start.plus(TRACK_MAX_WINDOW)) {
      weeks.add(new Piece(imei, start, min(to, start.plus(TRACK_MAX_WINDOW))));
    }
    return collect(
        weeks,
        p ->
            client
                .call(
                    "jimi.device.track.list",
                    Map.of(
                        "imei",
                        imei,
                        "begin_time",
                        Lenient.format(p.from()),
                        "end_time",
                        Lenient.format(p.to())))
                .map(
                    env ->
                        items(env.getValue("result")).stream()
                            .map(j -> VendorTrackPoint.from(j, imei))
                            .toList()),
        t -> t.imei() + "|" + t.gpsTime());
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** One request's share of a query: its IMEIs, comma-joined, and its window. */
  record Piece(String imeis, Instant from, Instant to) {}

  /** Each chunk of at most {@link #MAX_IMEIS} IMEIs over each month of [from, to]. */
  static List<Piece> pieces(List<String> imeis, Instant from, Instant to) {
    List<Piece> pieces = new ArrayList<>();
    for (List<String> chunk : chunks(imeis, MAX_IMEIS)) {
      for (Instant[] w : monthWindows(from, to)) {
        pieces.add(new Piece(String.join(",", chunk), w[0], w[1]));
      }
    }
    return pieces;
  }

  /**
   * Asks {@code fetch} for each piece, one after another, and returns the items unique by {@code
   * key} in the order first seen.
   */
  private static <T> Future<List<T>> collect(
      List<Piece> pieces, Function<Piece, Future<List<T>>> fetch, Function<T, String> key) {
    Map<String, T> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Piece piece : pieces) {
      chain =
          chain.compose(
              v ->
                  fetch
                      .apply(piece)
                      .map(
                          items -> {
                            items.forEach(item -> out.putIfAbsent(key.apply(item), item));
                            return null;
                          }));
    }
    return chain.map(v -> List.copyOf(out.values()));
  }

  /** [from, to] cut into windows of at most one calendar month. */
  static List<Instant[]> monthWindows(Instant from, Instant to) {
    List<Instant[]> windows = new ArrayList<>();
    Instant start = from;
    do {
      Instant end = min(to, start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
      windows.add(new Instant[] {start, end});
      start = end;
    } while (start.isBefore(to));
    return windows;
  }

  static <T> List<List<T>> chunks(List<T> all, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += size) {
      out.add(List.copyOf(all.subList(i, Math.min(all.size(), i + size))));
    }
    return out;
  }

  /** Items of a result/data array; anything that is not an object is skipped. */
  static List<JsonObject> items(Object value) {
    List<JsonObject> out = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof JsonObject j) {
          out.add(j);
        } else if (o instanceof Map<?, ?> m) {
          @SuppressWarnings("unchecked")
          Map<String, Object> map = (Map<String, Object>) m;
          out.add(new JsonObject(map));
        }
      }
    }
    return out;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
