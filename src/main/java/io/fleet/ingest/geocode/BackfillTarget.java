package io.fleet.ingest.geocode;

import io.fleet.ingest.store.AddressReset;
import io.fleet.ingest.store.AddressReset.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One table's backfill statements, built from the table's addressed points in {@link AddressReset}.
 */
record BackfillTarget(AddressReset.Table of) {
  String table() {
    return of.name();
  }

  List<String> keys() {
    return of.keys();
  }

  List<Point> points() {
    return of.points();
  }

  String select() {
    String time = of.time();
    List<String> keys = keys();
    List<Point> points = points();
    String cols =
        String.join(", ", keys)
            + ", "
            + points.stream()
                .map(p -> p.lat() + ", " + p.lng() + ", " + p.address())
                .collect(Collectors.joining(", "));
    // Rows that failed lately wait out their backoff, so they never crowd older rows out of the
    // batch.
    return "SELECT "
        + cols
        + ", address_tries FROM tracksolid."
        + table()
        + " WHERE "
        + of.pending()
        + " AND "
        + time
        + " >= $1 AND (address_retry_at IS NULL OR address_retry_at <= $3) ORDER BY "
        + time
        + " DESC LIMIT $2";
  }

  String update() {
    List<String> keys = keys();
    List<Point> points = points();
    int n = keys.size();
    StringBuilder sql = new StringBuilder("UPDATE tracksolid." + table() + " SET ");
    List<String> params = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      String param = "$" + (n + 1 + i) + "::text";
      params.add(param);
      sql.append(points.get(i).address())
          .append(" = COALESCE(")
          .append(points.get(i).address())
          .append(", ")
          .append(param)
          .append("), ");
    }
    int attempted = n + points.size() + 1;
    int now = attempted + 1;
    int tries = now + 1;
    sql.append("address_attempted_at = COALESCE($")
        .append(attempted)
        .append("::timestamptz, address_attempted_at), ")
        .append("address_tries = COALESCE($")
        .append(tries)
        .append("::smallint, address_tries), ")
        .append("address_retry_at = COALESCE($")
        .append(tries + 1)
        .append("::timestamptz, address_retry_at), ")
        .append("updated_at = CASE WHEN num_nonnulls(")
        .append(String.join(", ", params))
        .append(") > 0 THEN $")
        .append(now)
        .append("::timestamptz ELSE updated_at END WHERE ")
        .append(
            IntStream.range(0, n)
                .mapToObj(i -> keys.get(i) + " = $" + (i + 1))
                .collect(Collectors.joining(" AND ")));
    // Only while every point is still where it was when looked up: a poller that moved one in
    // the meantime also cleared its address and reopened the row, which must stay so.
    int coord = tries + 2;
    for (Point p : points) {
      sql.append(" AND ")
          .append(p.lat())
          .append(" IS NOT DISTINCT FROM $")
          .append(coord++)
          .append("::float8")
          .append(" AND ")
          .append(p.lng())
          .append(" IS NOT DISTINCT FROM $")
          .append(coord++)
          .append("::float8");
    }
    return sql.toString();
  }
}
