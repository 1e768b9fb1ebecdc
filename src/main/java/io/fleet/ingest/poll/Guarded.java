package io.fleet.ingest.poll;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Polled rows split by the timestamp guard: accepted ones go on, the rest to quarantine. */
record Guarded<T>(List<T> accepted, List<IngestSinks.Rejected> rejected) {

  static <T> Guarded<T> split(List<T> rows, IngestSinks sinks, Function<T, String> imei, Function<T, Instant> time,
                              Function<T, JsonObject> raw) {
    List<T> ok = new ArrayList<>();
    List<IngestSinks.Rejected> bad = new ArrayList<>();
    for (T row : rows) {
      String id = imei.apply(row);
      Instant t = time.apply(row);
      JsonObject item = raw.apply(row) == null ? new JsonObject() : raw.apply(row);
      if (id == null || id.isBlank()) {
        bad.add(new IngestSinks.Rejected("missing_imei", "row has no imei", null, item));
      } else if (t == null) {
        bad.add(new IngestSinks.Rejected("unparseable_time", "event time missing or unreadable", id, item));
      } else {
        var reason = sinks.checkTime(t);
        if (reason.isPresent()) {
          bad.add(new IngestSinks.Rejected(reason.get(), sinks.describe(t, reason.get()), id, item));
        } else {
          ok.add(row);
        }
      }
    }
    return new Guarded<>(ok, bad);
  }
}
