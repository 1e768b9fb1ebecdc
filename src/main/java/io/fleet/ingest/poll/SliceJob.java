package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * One windowed endpoint's pipeline for one slice. {@link #prepare} does the phases that must
 * not hold a connection (fetch, enrichment read on the pool, geocoding); the runner then calls
 * {@link Prepared#write} inside the single write transaction.
 */
interface SliceJob {

  Endpoint endpoint();

  Future<Prepared> prepare(FleetSource source, List<String> imeis, Window window);

  interface Prepared {
    int fetched();

    List<IngestSinks.Rejected> rejected();

    /** Upserts the accepted rows; counts inserted and updated only. */
    Future<Counts> write(SqlConnection conn);
  }

  static Prepared prepared(int fetched, List<IngestSinks.Rejected> rejected,
                           java.util.function.Function<SqlConnection, Future<Counts>> write) {
    return new Prepared() {
      @Override
      public int fetched() {
        return fetched;
      }

      @Override
      public List<IngestSinks.Rejected> rejected() {
        return rejected;
      }

      @Override
      public Future<Counts> write(SqlConnection conn) {
        return write.apply(conn);
      }
    };
  }
}
