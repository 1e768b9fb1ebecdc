package io.fleet.ingest.simulator;

import io.fleet.ingest.simulator.FleetRecords.Alarm;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.FleetRecords.Stop;
import io.fleet.ingest.simulator.FleetRecords.Trip;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ground truth of {@link VendorGarbage}: every row the covered methods served, by method and
 * natural key (the key of the clean row, whatever the mutation did to it), in the order first
 * served. One entry per row however often it was served, so the record is bounded by the fleet.
 * Thread-safe: the server records on its event loop while tests read.
 */
public final class ServedRows {
  /** Why a clean row was served more than once. Such rows are not mutated. */
  public enum Echo {
    /** Served twice in a row within one page. */
    DUPLICATE_IN_PAGE,
    /** Served again at the top of the next page (counted there only if that page was asked). */
    REPEAT_ON_NEXT_PAGE
  }

  /**
   * One row: served {@code servedClean} times unchanged and {@code servedMutated} times broken by
   * {@code mutation} (null when never broken). {@code echo} is set when the garbage picked the row
   * to be served twice.
   */
  public record Row(
      String method, String key, Mutation mutation, Echo echo, int servedClean, int servedMutated) {
    /** Never served broken: the service must store it, exactly once. */
    public boolean clean() {
      return servedMutated == 0;
    }

    public int served() {
      return servedClean + servedMutated;
    }
  }

  private final Map<String, Map<String, Row>> byMethod = new HashMap<>();

  synchronized void recordClean(String method, String key, Echo echo) {
    record(method, key, null, echo);
  }

  synchronized void recordMutated(String method, String key, Mutation mutation) {
    record(method, key, mutation, null);
  }

  /** One more serving of the row: unchanged when {@code mutation} is null. */
  private void record(String method, String key, Mutation mutation, Echo echo) {
    Row r = rowsOf(method).getOrDefault(key, new Row(method, key, null, null, 0, 0));
    rowsOf(method)
        .put(
            key,
            new Row(
                method,
                key,
                mutation != null ? mutation : r.mutation(),
                echo != null ? echo : r.echo(),
                r.servedClean() + (mutation == null ? 1 : 0),
                r.servedMutated() + (mutation == null ? 0 : 1)));
  }

  /** Every row {@code method} served, in first-served order. */
  public synchronized List<Row> rows(String method) {
    return List.copyOf(byMethod.getOrDefault(method, Map.of()).values());
  }

  public synchronized Optional<Row> row(String method, String key) {
    return Optional.ofNullable(byMethod.getOrDefault(method, Map.of()).get(key));
  }

  /** The rows {@code method} only ever served unchanged (echoed ones included). */
  public List<Row> clean(String method) {
    return rows(method).stream().filter(Row::clean).toList();
  }

  /** The rows {@code method} served broken at least once. */
  public List<Row> mutated(String method) {
    return rows(method).stream().filter(r -> !r.clean()).toList();
  }

  public synchronized void clear() {
    byMethod.clear();
  }

  private Map<String, Row> rowsOf(String method) {
    return byMethod.computeIfAbsent(method, m -> new LinkedHashMap<>());
  }

  // ---- natural keys: parts joined by '|', times as Instant.toString() ---------------------------

  /** Alarms: imei, alertTypeId, alertTime. */
  public static String alarmKey(String imei, String alertTypeId, Instant alertTime) {
    return join(imei, alertTypeId, alertTime.toString());
  }

  /** Trips (track.mileage and report.trips): imei, startTime. */
  public static String tripKey(String imei, Instant startTime) {
    return join(imei, startTime.toString());
  }

  /** Stops (report.parking): imei, acc_type ("off" parking, "on" idling), startTime. */
  public static String stopKey(String imei, String accType, Instant startTime) {
    return join(imei, accType, startTime.toString());
  }

  /** Fixes (location.list, track.list): imei, gpsTime. Devices (device.list) are keyed by imei. */
  public static String positionKey(String imei, Instant gpsTime) {
    return join(imei, gpsTime.toString());
  }

  public static String key(Alarm a) {
    return alarmKey(a.imei(), a.alertTypeId(), a.alertTime());
  }

  public static String key(Trip t) {
    return tripKey(t.imei(), t.startTime());
  }

  public static String key(Stop s) {
    return stopKey(s.imei(), s.accType(), s.startTime());
  }

  public static String key(Position p) {
    return positionKey(p.imei(), p.gpsTime());
  }

  private static String join(String... parts) {
    return String.join("|", parts);
  }
}
