package io.fleet.ingest.ingest;

import io.fleet.ingest.store.QuarantineItem;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch judged by {@link RowRules}: what goes on to its table, what to quarantine, and how often
 * each field was emptied.
 */
public record Judged<T>(
    List<T> accepted, List<QuarantineItem> rejected, Map<String, Integer> cleared) {

  /** The ingestion_log detail for the run: {@code {"cleared": {"trips.duration_s": 2}}}. */
  public JsonObject detail() {
    JsonObject d = new JsonObject();
    if (!cleared.isEmpty()) {
      d.put("cleared", new JsonObject(new TreeMap<String, Object>(cleared)));
    }
    return d;
  }
}
