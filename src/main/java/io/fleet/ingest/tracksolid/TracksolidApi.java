package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.TripRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The typed vendor methods the pollers use, answering with the store's records (read by the
 * parsers, {@link AlarmParser} and its siblings, each record carrying this client's account). Each
 * splits a request to the vendor's limits (IMEIs per call, window length, pages), runs the pieces
 * one after another on the account's client and returns the items deduplicated on their natural key
 * (see {@link Piece}).
 */
public final class TracksolidApi {
  public static final int MAX_IMEIS = 100;
  public static final int PAGE_SIZE = 100;

  /** The alarm list serves at most this many rows for one query; a full window is split in two. */
  public static final int ALARM_ROW_CAP = 1000;

  public static final Duration TRACK_MAX_WINDOW = Duration.ofDays(7);

  private final TracksolidClient client;
  private final String account;

  /** start_row paging with the base learned from this account's vendor (0 or 1 is left open). */
  private final RowPager rows;

  private final AlarmPager alarms;

  public TracksolidApi(TracksolidClient client) {
    this.client = client;
    this.account = client.account().name();
    this.rows = new RowPager(client, PAGE_SIZE);
    this.alarms = new AlarmPager(client, PAGE_SIZE, ALARM_ROW_CAP);
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

  public Future<List<AlarmRecord>> alarms(List<String> imeis, Instant from, Instant to) {
    return Piece.collect(
        Piece.monthly(imeis, MAX_IMEIS, from, to),
        p -> alarms.window(p.imeis(), p.from(), p.to()),
        AlarmParser::key);
  }

  /** Trips from {@code jimi.device.track.mileage}, ≤ 100 IMEIs and ≤ 1 month per call. */
  public Future<List<TripRecord>> mileageTrips(List<String> imeis, Instant from, Instant to) {
    return Piece.collect(
        Piece.monthly(imeis, MAX_IMEIS, from, to),
        p ->
            results(
                TripParser.MILEAGE, p.beginEnd("imeis"), j -> TripParser.fromMileage(j, account)),
        TripParser::key);
  }

  /**
   * Trips from {@code jimi.open.platform.report.trips} type=list, ≤ 1 month per call, paged by
   * start_row over devices; {@code user} is the request's account parameter.
   */
  public Future<List<TripRecord>> reportTrips(
      String user, List<String> imeis, Instant from, Instant to) {
    return Piece.collect(
        Piece.monthly(imeis, MAX_IMEIS, from, to),
        p ->
            rows.rows(
                    TripParser.REPORT,
                    reportQuery(user, p, "type", "list"),
                    totalled("dayList"),
                    device -> rowKey(device, "imei"))
                .map(this::dayDataTrips),
        TripParser::key);
  }

  /** The trips of report.trips' devices, each under its days' {@code dayData}. */
  private List<TripRecord> dayDataTrips(List<JsonObject> devices) {
    List<TripRecord> trips = new ArrayList<>();
    for (JsonObject device : devices) {
      String imei = Lenient.text(device, "imei").orElse(null);
      for (JsonObject day : items(device.getValue("tripsData"))) {
        for (JsonObject trip : items(day.getValue("dayData"))) {
          trips.add(TripParser.fromReportDayData(trip, imei, account));
        }
      }
    }
    return trips;
  }

  /**
   * Parking ({@code acc_type} off) or idling (on) periods, ≤ 1 month per call, paged by start_row
   * until dataTotalRows; {@code user} is the request's account parameter.
   */
  public Future<List<ParkingRecord>> parking(
      String user, List<String> imeis, Instant from, Instant to, ParkingRecord.Kind kind) {
    return Piece.collect(
        Piece.monthly(imeis, MAX_IMEIS, from, to),
        p ->
            rows.rows(
                    "jimi.open.platform.report.parking",
                    reportQuery(user, p, "acc_type", kind.accType()),
                    totalled("rows"),
                    row -> rowKey(row, "imei", "startTime"))
                .map(
                    list -> list.stream().map(j -> ParkingParser.parse(j, kind, account)).toList()),
        ParkingParser::key);
  }

  /** A start_row report's query over {@code piece}, with its one {@code option}. */
  private static Map<String, String> reportQuery(
      String user, Piece piece, String option, String value) {
    return Map.of(
        "account",
        user,
        "imeis",
        piece.imeis(),
        option,
        value,
        "start_time",
        Lenient.format(piece.from()),
        "end_time",
        Lenient.format(piece.to()));
  }

  /** A report's page: its rows under {@code field}, and dataTotalRows. */
  private static Function<JsonObject, RowPager.Page> totalled(String field) {
    return data ->
        new RowPager.Page(
            items(data.getValue(field)), Lenient.integer(data, "dataTotalRows").orElse(-1));
  }

  /**
   * A row's identity from its raw fields (no parsing, so odd values cannot merge rows); the whole
   * row when any of them is absent, so two different rows that both lack a key field are not taken
   * for one (the pager would then count one row short of dataTotalRows on every try).
   */
  private static String rowKey(JsonObject row, String... fields) {
    StringBuilder key = new StringBuilder();
    for (String f : fields) {
      Object v = row.getValue(f);
      if (v == null) {
        return row.encode();
      }
      key.append(v).append('|');
    }
    return key.toString();
  }

  /** The devices listed under {@code target}. */
  public Future<List<DeviceRecord>> devices(String target) {
    return results(
        "jimi.user.device.list", Map.of("target", target), j -> DeviceParser.parse(j, account));
  }

  /** The latest fix of each device listed under {@code target}. */
  public Future<List<PositionRecord>> locations(String target) {
    return results(
        "jimi.user.device.location.list", Map.of("target", target), PositionParser::fromLocation);
  }

  /** Fixes of one device, ≤ 7 days per call. */
  public Future<List<PositionRecord>> track(String imei, Instant from, Instant to) {
    return Piece.collect(
        Piece.windows(imei, from, to, TRACK_MAX_WINDOW),
        p ->
            results(
                "jimi.device.track.list",
                p.beginEnd("imei"),
                j -> PositionParser.fromTrack(j, imei)),
        PositionParser::key);
  }

  /** The items of one call's {@code result}, each read by {@code parse}. */
  private <T> Future<List<T>> results(
      String method, Map<String, String> params, Function<JsonObject, T> parse) {
    return client
        .call(method, params)
        .map(env -> items(env.getValue("result")).stream().map(parse).toList());
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
}
