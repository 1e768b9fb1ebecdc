package io.fleet.ingest.webhook;

import io.fleet.ingest.ingest.Reason;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ingest.Verdict;
import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.QuarantineItem;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The checks every kind of pushed item goes through (a plausible IMEI, a readable and believable
 * event time, the row rules' verdict); each one that fails puts the item in quarantine with its
 * reason, so the caller only has to stop.
 */
final class ItemChecks {
  private static final String MISSING_TIME = Reason.MISSING_TIME.code();
  private static final String UNPARSEABLE_TIME = Reason.UNPARSEABLE_TIME.code();
  private static final String INVALID_IMEI = Reason.INVALID_IMEI.code();

  private final TimestampGuard guard;

  ItemChecks(TimestampGuard guard) {
    this.guard = guard;
  }

  /** The rules' verdict on a typed row: onto its list, or to quarantine with their reason. */
  static <T> void accept(
      String stream, PushBatch batch, List<T> into, Verdict<T> verdict, Object item) {
    switch (verdict) {
      case Verdict.Accepted<T> a -> into.add(a.row());
      case Verdict.Refused<T> r ->
          batch
              .quarantine()
              .add(new QuarantineItem(stream, r.reason().code(), r.detail(), r.imei(), item));
    }
  }

  /** The guarded event time, or null after quarantining the item with the reason. */
  Instant guardedTime(
      String stream,
      String imei,
      JsonObject original,
      JsonObject item,
      PushBatch batch,
      Instant now,
      String... names) {
    Lenient.TimeValue t = Lenient.timeValue(item, names);
    if (t instanceof Lenient.Absent) {
      batch
          .quarantine()
          .add(
              new QuarantineItem(
                  stream, MISSING_TIME, "no " + String.join(" or ", names), imei, original));
      return null;
    }
    if (t instanceof Lenient.Unparseable u) {
      batch
          .quarantine()
          .add(
              new QuarantineItem(
                  stream, UNPARSEABLE_TIME, "cannot read time '" + u.raw() + "'", imei, original));
      return null;
    }
    Instant instant = ((Lenient.Parsed) t).instant();
    return refusedTime(stream, imei, instant, original, batch, now) ? null : instant;
  }

  /** True after quarantining the item when the guard refuses {@code instant} as of {@code now}. */
  boolean refusedTime(
      String stream, String imei, Instant instant, JsonObject item, PushBatch batch, Instant now) {
    Optional<String> refused = guard.check(instant, now);
    if (refused.isEmpty()) {
      return false;
    }
    batch
        .quarantine()
        .add(
            new QuarantineItem(
                stream, refused.get(), guard.describe(instant, refused.get(), now), imei, item));
    return true;
  }

  /** True after quarantining the item when its IMEI is not a plausible device id. */
  static boolean badImei(String stream, String imei, JsonObject item, PushBatch batch) {
    String why = RowRules.invalidImei(imei);
    if (why == null) {
      return false;
    }
    // The IMEI itself is not kept in the column: it is what is wrong, and it stays in the item.
    batch.quarantine().add(new QuarantineItem(stream, INVALID_IMEI, why, null, item));
    return true;
  }
}
