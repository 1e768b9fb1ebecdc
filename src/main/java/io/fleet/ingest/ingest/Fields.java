package io.fleet.ingest.ingest;

import io.fleet.ingest.store.Sql;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * Lenient reads of vendor items: a field may have several spellings (push {@code alarmType} vs
 * poll {@code alertTypeId}), numbers arrive as strings or numbers, and times as
 * {@code yyyy-MM-dd HH:mm:ss} (taken as UTC), ISO-8601 with or without zone, or epoch millis.
 *
 * <p>Kept deliberately small and static so it can be swapped for the client's
 * {@code io.fleet.ingest.tracksolid.Lenient} once that lands: every call site goes through here.
 */
public final class Fields {
  private static final DateTimeFormatter VENDOR = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT);

  private static final java.util.regex.Pattern EPOCH_DIGITS = java.util.regex.Pattern.compile("\\d{9,13}");

  private Fields() {
  }

  /** The first non-blank text among the names, trimmed; numbers are rendered as text. */
  public static Optional<String> text(JsonObject item, String... names) {
    for (String name : names) {
      Object v = item.getValue(name);
      if (v == null) {
        continue;
      }
      // PostgreSQL text cannot hold NUL, and no real field needs one.
      String s = v instanceof Number n ? plain(n) : v.toString().replace("\0", "").trim();
      if (!s.isEmpty() && !s.equalsIgnoreCase("null")) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The first value among the names that reads as a finite number. */
  public static Optional<Double> decimal(JsonObject item, String... names) {
    for (String name : names) {
      Object v = item.getValue(name);
      if (v instanceof Number n) {
        double d = n.doubleValue();
        if (Double.isFinite(d)) {
          return Optional.of(d);
        }
      } else if (v instanceof String s && !s.isBlank()) {
        try {
          double d = Double.parseDouble(s.trim());
          if (Double.isFinite(d)) {
            return Optional.of(d);
          }
        } catch (NumberFormatException ignored) {
          // try the next spelling
        }
      }
    }
    return Optional.empty();
  }

  public static Optional<Integer> integer(JsonObject item, String... names) {
    return decimal(item, names).filter(d -> Math.abs(d) < Integer.MAX_VALUE).map(d -> (int) Math.round(d));
  }

  /** 1/0, true/false, on/off, yes/no. */
  public static Optional<Boolean> bool(JsonObject item, String... names) {
    for (String name : names) {
      Object v = item.getValue(name);
      if (v instanceof Boolean b) {
        return Optional.of(b);
      }
      if (v instanceof Number n) {
        return Optional.of(n.doubleValue() != 0);
      }
      if (v instanceof String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
          case "1", "true", "on", "yes" -> {
            return Optional.of(true);
          }
          case "0", "false", "off", "no" -> {
            return Optional.of(false);
          }
          default -> {
            // try the next spelling
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Present and unparseable is different from absent: callers quarantine the first. */
  public sealed interface TimeValue permits Absent, Parsed, Unparseable {
  }

  public record Absent() implements TimeValue {
  }

  public record Parsed(Instant instant) implements TimeValue {
  }

  public record Unparseable(String raw) implements TimeValue {
  }

  public static TimeValue time(JsonObject item, String... names) {
    for (String name : names) {
      Object v = item.getValue(name);
      if (v == null || (v instanceof String s && s.isBlank())) {
        continue;
      }
      Optional<Instant> parsed = parseTime(v);
      // The raw text ends up in quarantine detail: no NUL, and not the whole of a huge value.
      return parsed.<TimeValue>map(Parsed::new).orElseGet(() -> new Unparseable(Sql.detail(v.toString())));
    }
    return new Absent();
  }

  /** The earliest and latest instant a time may be: PostgreSQL's timestamptz and any report can hold them. */
  static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * Vendor text time (UTC when no zone is given), ISO-8601 instant, or epoch millis/seconds, cut to
   * whole microseconds (what timestamptz keeps, so two items apart by less are one row). Empty for
   * anything unreadable or outside years 1 to 9999, never an exception.
   */
  public static Optional<Instant> parseTime(Object value) {
    try {
      return parse(value).filter(t -> !t.isBefore(MIN_TIME) && !t.isAfter(MAX_TIME))
          .map(t -> t.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    } catch (java.time.DateTimeException | ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> parse(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d) || Math.abs(d) >= 9.0e18) {
        return Optional.empty();
      }
      return epoch(n.longValue());
    }
    if (!(value instanceof CharSequence)) {
      return Optional.empty();
    }
    String s = value.toString().trim();
    if (s.length() > 64) {
      return Optional.empty();
    }
    if (EPOCH_DIGITS.matcher(s).matches()) {
      return epoch(Long.parseLong(s));
    }
    // Only text that can carry an offset is tried as ISO: a failed parse costs an exception, and
    // the vendor's own format ("2024-05-01 10:00:00") is by far the most common.
    if (s.endsWith("Z") || s.endsWith("z") || s.indexOf('+') > 0 || s.lastIndexOf('-') > 10) {
      try {
        return Optional.of(OffsetDateTime.parse(s).toInstant());
      } catch (DateTimeParseException ignored) {
        // not ISO with an offset
      }
    }
    try {
      return Optional.of(LocalDateTime.parse(s, VENDOR).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException ignored) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> epoch(long v) {
    // Ten digits or fewer are seconds; more are milliseconds.
    return Optional.of(Math.abs(v) < 100_000_000_000L ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v));
  }

  private static String plain(Number n) {
    if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
      return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }
    return n.toString();
  }
}
