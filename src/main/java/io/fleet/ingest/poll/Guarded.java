package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.store.QuarantineItem;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Polled rows split by the timestamp guard: accepted ones go on, the rest to quarantine. */
record Guarded<T>(List<T> accepted, List<QuarantineItem> rejected) {

  static <T> Guarded<T> split(
      List<T> rows,
      String stream,
      TimestampGuard guard,
      Function<T, String> imei,
      Function<T, Instant> time,
      Function<T, JsonObject> raw) {
    List<T> ok = new ArrayList<>();
    List<QuarantineItem> bad = new ArrayList<>();
    for (T row : rows) {
      String id = imei.apply(row);
      Instant t = time.apply(row);
      JsonObject item = item(raw.apply(row));
      if (id == null || id.isBlank()) {
        bad.add(new QuarantineItem(stream, "missing_imei", "row has no imei", null, item));
      } else if (t == null) {
        bad.add(
            new QuarantineItem(
                stream, "unparseable_time", "event time missing or unreadable", id, item));
      } else {
        var reason = guard.check(t);
        if (reason.isPresent()) {
          bad.add(
              new QuarantineItem(stream, reason.get(), guard.describe(t, reason.get()), id, item));
        } else {
          ok.add(row);
        }
      }
    }
    return new Guarded<>(ok, bad);
  }

  /** The vendor item as quarantined: a row without its raw JSON is kept as an empty object. */
  static JsonObject item(JsonObject raw) {
    return raw == null ? new JsonObject() : raw;
  }
}
