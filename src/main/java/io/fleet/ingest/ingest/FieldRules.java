package io.fleet.ingest.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The field-level rules of one row for {@link RowRules}: each keeps a sound value and empties one
 * no device can have produced, noting the field as {@code <table>.<column>} in {@link #cleared}.
 */
final class FieldRules {
  private final TimestampGuard guard;
  private final String table;
  private final Instant now;
  final List<String> cleared = new ArrayList<>(0);

  FieldRules(TimestampGuard guard, String table, Instant now) {
    this.guard = guard;
    this.table = table;
    this.now = now;
  }

  // It only ever returns null, so no unchecked cast hides behind V.
  @SuppressWarnings("TypeParameterUnusedInFormals")
  private <V> V clear(String field) {
    cleared.add(table + "." + field);
    return null;
  }

  /** NUL dropped, a broken surrogate replaced, capped at {@link RowRules#MAX_TEXT}. */
  String text(String field, String value) {
    if (value == null || (value.length() <= RowRules.MAX_TEXT && clean(value))) {
      return value;
    }
    if (value.length() > RowRules.MAX_TEXT) {
      cleared.add(table + "." + field + "(capped)");
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), RowRules.MAX_TEXT));
    for (int i = 0; i < value.length() && out.length() < RowRules.MAX_TEXT; i++) {
      char c = value.charAt(i);
      if (c == 0) {
        continue;
      }
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < value.length()
              && Character.isLowSurrogate(value.charAt(i + 1));
      if (pair) {
        if (out.length() + 2 > RowRules.MAX_TEXT) {
          break;
        }
        out.append(c).append(value.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  private static boolean clean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** A point kept whole or not at all: half a coordinate pair is no position. */
  double[] point(String field, Double lat, Double lng) {
    if (lat == null && lng == null) {
      return null;
    }
    return RowRules.validPoint(lat, lng) ? new double[] {lat, lng} : clear(field);
  }

  Double between(String field, Double v, double min, double max) {
    return v == null ? null : Double.isFinite(v) && v >= min && v <= max ? v : clear(field);
  }

  Integer whole(String field, Integer v, int min, int max) {
    return v == null ? null : v >= min && v <= max ? v : clear(field);
  }

  Integer duration(String field, Integer v) {
    return whole(field, v, 0, RowRules.MAX_DURATION_S);
  }

  /** An instant inside the guard, else empty. */
  Instant instant(String field, Instant t) {
    return t == null ? null : guard.check(t, now).isEmpty() ? RowRules.micros(t) : clear(field);
  }

  /** An end inside the guard and not before its start, else empty. */
  Instant end(String field, Instant start, Instant end) {
    Instant e = instant(field, end);
    return e == null || !e.isBefore(RowRules.micros(start)) ? e : clear(field);
  }

  /** A calendar date (expiry, activation): after the epoch guard and before 2200. */
  Instant calendar(String field, Instant t) {
    return t == null
        ? null
        : guard.check(t, Instant.parse("2200-01-01T00:00:00Z")).isEmpty()
            ? RowRules.micros(t)
            : clear(field);
  }
}
