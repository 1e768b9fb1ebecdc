package io.fleet.ingest.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * One kind of misbehaviour the simulator can inject into a method's answers: a vendor code (1006
 * storms, -1, 1004 ...), an HTTP status (429 with Retry-After, 500, 502), a delay before the normal
 * answer (slow responses; longer than the client timeout = timeout), a body that is not JSON, page
 * 1 served again for every later page, or two extra items with garbage times (one in 2019, one in
 * 2099) added to a non-empty result, or every token revoked just before the call is checked (token
 * invalidation mid-run: that call gets 1004). {@link #none()} answers normally: queued first, it
 * lets a later fault hit e.g. the second page only.
 */
public record Fault(Kind kind, String code, int status, Duration duration) {
  /**
   * The {@code code} of an HTTP status fault whose Retry-After is an HTTP date, not delta-seconds.
   */
  public static final String HTTP_DATE = "http-date";

  public enum Kind {
    VENDOR_CODE,
    HTTP_STATUS,
    DELAY,
    MALFORMED_JSON,
    REPEAT_PAGE,
    GARBAGE_TIMESTAMPS,
    INVALIDATE_TOKENS,
    NONE
  }

  public static Fault vendorCode(String code) {
    return new Fault(Kind.VENDOR_CODE, code, 200, Duration.ZERO);
  }

  public static Fault http(int status) {
    return new Fault(Kind.HTTP_STATUS, "", status, Duration.ZERO);
  }

  /** HTTP 429 with a Retry-After of {@code retryAfter} (whole seconds). */
  public static Fault tooManyRequests(Duration retryAfter) {
    return new Fault(Kind.HTTP_STATUS, "", 429, retryAfter);
  }

  /**
   * HTTP 429 with a Retry-After given as an HTTP date {@code retryAfter} after now on the
   * simulator's clock.
   */
  public static Fault tooManyRequestsUntil(Duration retryAfter) {
    return new Fault(Kind.HTTP_STATUS, HTTP_DATE, 429, retryAfter);
  }

  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, "", 200, delay);
  }

  public static Fault malformedJson() {
    return new Fault(Kind.MALFORMED_JSON, "", 200, Duration.ZERO);
  }

  public static Fault repeatPage() {
    return new Fault(Kind.REPEAT_PAGE, "", 200, Duration.ZERO);
  }

  public static Fault garbageTimestamps() {
    return new Fault(Kind.GARBAGE_TIMESTAMPS, "", 200, Duration.ZERO);
  }

  public static Fault none() {
    return new Fault(Kind.NONE, "", 200, Duration.ZERO);
  }

  public static Fault invalidateTokens() {
    return new Fault(Kind.INVALIDATE_TOKENS, "", 200, Duration.ZERO);
  }

  /** Copies of the first item with times in 2019 and 2099, for result arrays and data.rows. */
  static void addGarbageTimestamps(JsonObject fields) {
    JsonArray list =
        fields.getValue("result") instanceof JsonArray r
            ? r
            : fields.getValue("data") instanceof JsonObject d
                    && d.getValue("rows") instanceof JsonArray rows
                ? rows
                : null;
    if (list == null || list.isEmpty()) {
      return;
    }
    JsonObject template = list.getJsonObject(0);
    for (String when : new String[] {"2019-03-14 14:02:03", "2099-01-01 00:00:00"}) {
      JsonObject copy = template.copy();
      for (String field :
          new String[] {"alertTime", "startTime", "endTime", "gpsTime", "positioningTime"}) {
        if (copy.containsKey(field)) {
          copy.put(field, when);
        }
      }
      list.add(copy);
    }
  }
}
