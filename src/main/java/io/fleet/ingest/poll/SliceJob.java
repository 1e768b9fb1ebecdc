package io.fleet.ingest.poll;

import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.WriteResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.function.Function;

/**
 * One windowed endpoint's pipeline for one slice. {@link #prepare} does the phases that must not
 * hold a connection (fetch, enrichment read on the pool, geocoding); the runner then calls {@link
 * Prepared#write} inside the single write transaction.
 */
interface SliceJob {

  Endpoint endpoint();

  Future<Prepared> prepare(FleetSource source, List<String> imeis, Window window);

  /** What a slice fetched, what it refused, and the one table write of what it accepted. */
  record Prepared(
      int fetched,
      List<QuarantineItem> rejected,
      Function<SqlConnection, Future<WriteResult>> write) {}
}
