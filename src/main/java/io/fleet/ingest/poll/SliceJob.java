package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Judged;
import io.fleet.ingest.ingest.RowsWrite;
import io.fleet.ingest.store.QuarantineItem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One windowed endpoint's pipeline for one slice. {@link #prepare} does the phases that must not
 * hold a connection (fetch, enrichment read on the pool, geocoding); the runner then calls the
 * {@link RowsWrite#write} of {@link Prepared#rows} inside the single write transaction.
 */
interface SliceJob {

  Endpoint endpoint();

  Future<Prepared> prepare(FleetSource source, List<String> imeis, Window window);

  /**
   * What a slice fetched, what the row rules refused, the one table write of what they accepted,
   * and the run's log detail (fields the rules emptied).
   */
  record Prepared(
      int fetched, List<QuarantineItem> rejected, RowsWrite<?> rows, JsonObject detail) {

    static <T> Prepared of(int fetched, Judged<T> judged, RowsWrite<T> rows) {
      return new Prepared(fetched, judged.rejected(), rows, judged.detail());
    }
  }
}
