package io.fleet.ingest.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one owner of "a point that moves loses its address": which tables carry addressed points, the
 * SET clauses the writers' upserts use to reopen a row whose point moved, and the predicate of the
 * rows still owed an address, which the address backfill selects on and which its partial pending
 * indexes (V2__raw_tables.sql) were created with, so the planner can prove they apply. Moved means
 * the stored point after the upsert is not the one before it; the row's address bookkeeping
 * (attempted, tries, retry) is then cleared so the backfill looks again.
 */
public final class AddressReset {
  private AddressReset() {}

  /** One addressed point of a row: its address column and the coordinates it describes. */
  public record Point(String address, String lat, String lng) {}

  /** A table with addressed points, its key columns and the time column the backfill orders by. */
  public record Table(String name, List<String> keys, String time, List<Point> points) {

    /**
     * Rows still owed an address: the predicate of the table's partial pending index, word for
     * word.
     */
    public String pending() {
      return "address_attempted_at IS NULL AND ("
          + points.stream()
              .map(
                  p ->
                      "("
                          + p.address()
                          + " IS NULL AND "
                          + p.lat()
                          + " IS NOT NULL AND "
                          + p.lng()
                          + " IS NOT NULL)")
              .collect(Collectors.joining(" OR "))
          + ")";
    }

    /** The partial index whose predicate is {@link #pending()}. */
    public String pendingIndex() {
      return name + "_backfill_pending_idx";
    }
  }

  public static final Table TRIPS =
      new Table(
          "trips",
          List.of("imei", "start_time"),
          "start_time",
          List.of(
              new Point("start_address", "start_lat", "start_lng"),
              new Point("end_address", "end_lat", "end_lng")));
  public static final Table PARKING =
      new Table(
          "parking",
          List.of("imei", "kind", "start_time"),
          "start_time",
          List.of(new Point("address", "lat", "lng")));
  public static final Table ALARMS =
      new Table(
          "alarms",
          List.of("imei", "alarm_type", "alarm_time"),
          "alarm_time",
          List.of(new Point("address", "lat", "lng")));

  public static final List<Table> TABLES = List.of(TRIPS, PARKING, ALARMS);

  /** How an upsert treats the stored point. */
  enum Update {
    /**
     * The newer delivery's point replaces the stored one (trips, parking: the vendor corrected it).
     */
    REPLACE,
    /**
     * Only a missing coordinate is filled (alarms: a point only ever goes from unknown to known).
     */
    FILL
  }

  /**
   * The DO UPDATE SET clauses for the table's address columns and the backfill's bookkeeping, for
   * an upsert of {@code alias} against EXCLUDED. With REPLACE a moved point takes the new
   * delivery's address (possibly none) and an unmoved one keeps what it has unless a new address
   * came; with FILL an address is only ever filled.
   */
  static String onConflictSet(Table table, String alias, Update update) {
    StringBuilder sql = new StringBuilder();
    for (Point p : table.points()) {
      String ex = "EXCLUDED." + p.address();
      String old = alias + "." + p.address();
      sql.append(p.address())
          .append(" = ")
          .append(
              update == Update.REPLACE
                  ? "CASE WHEN "
                      + moved(List.of(p), alias, update)
                      + " THEN "
                      + ex
                      + " ELSE COALESCE("
                      + ex
                      + ", "
                      + old
                      + ") END"
                  : "COALESCE(" + old + ", " + ex + ")")
          .append(",\n");
    }
    String anyMoved = moved(table.points(), alias, update);
    for (String column : List.of("address_attempted_at", "address_tries", "address_retry_at")) {
      sql.append(column)
          .append(" = CASE WHEN ")
          .append(anyMoved)
          .append(" THEN NULL ELSE ")
          .append(alias)
          .append('.')
          .append(column)
          .append(" END,\n");
    }
    return sql.toString();
  }

  /** The stored coordinates of {@code points} differ from what the upsert leaves there. */
  private static String moved(List<Point> points, String alias, Update update) {
    String before =
        points.stream()
            .flatMap(p -> java.util.stream.Stream.of(p.lat(), p.lng()))
            .map(c -> alias + "." + c)
            .collect(Collectors.joining(", "));
    String after =
        points.stream()
            .flatMap(p -> java.util.stream.Stream.of(p.lat(), p.lng()))
            .map(
                c ->
                    update == Update.REPLACE
                        ? "EXCLUDED." + c
                        : "COALESCE(" + alias + "." + c + ", EXCLUDED." + c + ")")
            .collect(Collectors.joining(", "));
    return "(" + before + ") IS DISTINCT FROM (" + after + ")";
  }
}
