package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Runs one batched upsert whose statement ends in {@code RETURNING (xmax = 0) AS inserted} and
 * whose update branch only fires when something changed, then counts what really happened.
 */
final class Upserts {
  private Upserts() {
  }

  static Future<Counts> run(SqlConnection conn, String sql, List<Tuple> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(Counts.ZERO);
    }
    return conn.preparedQuery(sql).executeBatch(batch).map(Upserts::count);
  }

  private static Counts count(RowSet<Row> first) {
    int inserted = 0;
    int updated = 0;
    for (RowSet<Row> rs = first; rs != null; rs = rs.next()) {
      for (Row row : rs) {
        if (Boolean.TRUE.equals(row.getBoolean(0))) {
          inserted++;
        } else {
          updated++;
        }
      }
    }
    return Counts.written(inserted, updated);
  }
}
