package io.fleet.ingest.ingest;

import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The rows of one table in a run, written so that no row can stall its stream: a batch PostgreSQL
 * refuses for its content (any SQLSTATE {@link DbFailures#unavailable} does not cover, such as
 * 54000 for an index entry over its size or 23514 for a violated check) is rolled back to a
 * savepoint and split in halves, down to the rows that are refused alone. Those go to the
 * quarantine as {@link Reason#REFUSED_BY_DATABASE} with their SQLSTATE and PostgreSQL's message;
 * the rest commits in the same transaction, with the log row and the checkpoint. A database that is
 * away fails the write as before, so the run is retried and nothing is quarantined.
 */
public record RowsWrite<T>(
    String stream,
    List<T> rows,
    BiFunction<SqlConnection, List<T>, Future<WriteResult>> writer,
    Function<T, String> imei,
    Function<T, JsonObject> raw) {

  private static final String SAVEPOINT = "SAVEPOINT ingest_rows";
  private static final String RELEASE = "RELEASE SAVEPOINT ingest_rows";
  private static final String ROLLBACK = "ROLLBACK TO SAVEPOINT ingest_rows";

  /** What the rows did: the table write's counts and the rows PostgreSQL refused. */
  public record Written(WriteResult result, List<QuarantineItem> refused) {
    public static final Written NONE = new Written(WriteResult.NONE, List.of());

    Written plus(Written o) {
      List<QuarantineItem> all = new ArrayList<>(refused);
      all.addAll(o.refused);
      return new Written(result.plus(o.result), all);
    }
  }

  public Future<Written> write(SqlConnection conn) {
    return attempt(conn, rows);
  }

  private Future<Written> attempt(SqlConnection conn, List<T> part) {
    return conn.query(SAVEPOINT)
        .execute()
        .compose(v -> writer.apply(conn, part))
        .compose(w -> conn.query(RELEASE).execute().map(x -> new Written(w, List.of())))
        .recover(
            err ->
                DbFailures.unavailable(err) || part.isEmpty()
                    ? Future.failedFuture(err)
                    : conn.query(ROLLBACK).execute().compose(v -> isolate(conn, part, err)));
  }

  private Future<Written> isolate(SqlConnection conn, List<T> part, Throwable err) {
    if (part.size() == 1) {
      T row = part.get(0);
      JsonObject item = raw.apply(row);
      return Future.succeededFuture(
          new Written(
              WriteResult.NONE,
              List.of(
                  new QuarantineItem(
                      stream,
                      Reason.REFUSED_BY_DATABASE.code(),
                      DbFailures.code(err) + ": " + DbFailures.message(err),
                      imei.apply(row),
                      item == null ? new JsonObject() : item))));
    }
    int mid = part.size() / 2;
    List<T> first = part.subList(0, mid);
    List<T> second = part.subList(mid, part.size());
    return attempt(conn, first).compose(a -> attempt(conn, second).map(a::plus));
  }
}
