package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one way the writers bind a batch: one array per column for {@code unnest}, so a batch is one
 * statement and one round trip. Text goes through {@link Sql#text} (NUL dropped), times are bound
 * in UTC and JSON through {@link Sql#jsonb}, whatever the table.
 */
final class Columns<T> {
  private record Column<T>(Class<?> type, Function<T, ?> value) {}

  private final List<Column<T>> columns = new ArrayList<>();

  static <T> Columns<T> of() {
    return new Columns<>();
  }

  Columns<T> text(Function<T, String> f) {
    columns.add(new Column<>(String.class, f.andThen(Sql::text)));
    return this;
  }

  Columns<T> time(Function<T, Instant> f) {
    columns.add(new Column<>(java.time.OffsetDateTime.class, f.andThen(Sql::utc)));
    return this;
  }

  Columns<T> float8(Function<T, Double> f) {
    columns.add(new Column<>(Double.class, f));
    return this;
  }

  Columns<T> int4(Function<T, Integer> f) {
    columns.add(new Column<>(Integer.class, f));
    return this;
  }

  Columns<T> bool(Function<T, Boolean> f) {
    columns.add(new Column<>(Boolean.class, f));
    return this;
  }

  /**
   * JSON kept whole (a NULL stays NULL); bind as {@code $n::text[]} and cast each with {@code
   * ::jsonb}.
   */
  Columns<T> jsonb(Function<T, ?> f) {
    columns.add(new Column<>(String.class, f.andThen(v -> v == null ? null : Sql.jsonb(v))));
    return this;
  }

  /** The arrays, in the order the columns were declared; add any scalar parameters after them. */
  Tuple bind(List<T> rows) {
    Tuple tuple = Tuple.tuple();
    for (Column<T> c : columns) {
      Object[] array = (Object[]) Array.newInstance(c.type(), rows.size());
      for (int i = 0; i < rows.size(); i++) {
        array[i] = c.value().apply(rows.get(i));
      }
      tuple.addValue(array);
    }
    return tuple;
  }

  /**
   * Runs {@code sql}, an upsert ending in {@code RETURNING (xmax = 0) AS inserted}, over {@code
   * rows} (one per key, see {@link Sql#unique}) with {@code scalars} bound after the arrays. {@code
   * asked} is the batch size before repeats were dropped; an empty batch makes no round trip.
   */
  Future<WriteResult> upsert(
      SqlClient client, String sql, List<T> rows, int asked, Object... scalars) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(new WriteResult(0, 0, asked));
    }
    Tuple params = bind(rows);
    for (Object scalar : scalars) {
      params.addValue(scalar);
    }
    return client.preparedQuery(sql).execute(params).map(result -> Sql.counted(result, asked));
  }
}
