package io.fleet.ingest.json;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads vendor JSON the way Tracksolid and push senders actually write it: a field under one of
 * several spellings (push {@code alarmType} vs poll {@code alertTypeId}), numbers as numbers or
 * strings, flags as 1/0, true/false, on/off or yes/no, and times as {@code yyyy-MM-dd HH:mm:ss}
 * (UTC, as the vendor documents), ISO-8601 with or without an offset, or epoch seconds/millis.
 *
 * <p>The poller's vendor records, the webhook's item classifier and the simulator all read (and the
 * simulator writes) values through here, so a value means the same wherever it arrives. It depends
 * on nothing of the service, so every package can use it. Nothing here throws on a value: missing,
 * null, blank, {@code "null"} or unreadable is empty, and each method tries the next spelling when
 * one does not read; callers decide whether that makes the item invalid.
 */
public final class Lenient {
  /** No time format is longer; a longer string is refused before any pattern runs on it. */
  private static final int MAX_TIME_TEXT = 64;

  /** The vendor's wire format for times; always UTC. */
  public static final DateTimeFormatter VENDOR_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * The earliest and latest instant a time may be: PostgreSQL's timestamptz and any report can hold
   * them.
   */
  static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");

  static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * Longest raw text an unreadable time keeps: it ends up in quarantine detail, which is capped
   * anyway.
   */
  static final int MAX_RAW = 500;

  private static final Pattern EPOCH_DIGITS = Pattern.compile("\\d{9,13}");

  private Lenient() {}

  /**
   * The first non-blank text among the names, trimmed and without NUL; numbers become plain decimal
   * text.
   */
  public static Optional<String> text(JsonObject json, String... names) {
    return first(json, names, Lenient::text);
  }

  /** The first value among the names that reads as a finite number. */
  public static Optional<Double> decimal(JsonObject json, String... names) {
    return first(json, names, Lenient::decimal);
  }

  /** The first value among the names that is a whole number ("12.0" is, "12.5" is not). */
  public static Optional<Long> whole(JsonObject json, String... names) {
    return first(json, names, v -> text(v).flatMap(Lenient::parseLong));
  }

  /** As {@link #whole}, within the range of an int: counts and durations. */
  public static Optional<Integer> integer(JsonObject json, String... names) {
    return whole(json, names)
        .filter(v -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE)
        .map(Long::intValue);
  }

  /**
   * The first number among the names rounded to the nearest int: measurements such as a heading of
   * 90.6.
   */
  public static Optional<Integer> rounded(JsonObject json, String... names) {
    return decimal(json, names)
        .filter(d -> Math.abs(d) < Integer.MAX_VALUE)
        .map(d -> (int) Math.round(d));
  }

  /** 1/0 (any non-zero number is true), true/false, on/off, yes/no. */
  public static Optional<Boolean> flag(JsonObject json, String... names) {
    return first(json, names, Lenient::flag);
  }

  /** The first present time among the names, or empty when it is absent or unreadable. */
  public static Optional<Instant> time(JsonObject json, String... names) {
    return timeValue(json, names) instanceof Parsed p ? Optional.of(p.instant()) : Optional.empty();
  }

  /** Present and unparseable is different from absent: callers quarantine the first. */
  public sealed interface TimeValue permits Absent, Parsed, Unparseable {}

  public record Absent() implements TimeValue {}

  public record Parsed(Instant instant) implements TimeValue {}

  /** {@code raw} is the value as text without NUL and cut to {@link #MAX_RAW} characters. */
  public record Unparseable(String raw) implements TimeValue {}

  /**
   * The first present (non-null, non-blank) time among the names, read as {@link #parseTime}; a
   * present value that does not read is {@link Unparseable}, not a reason to try the next name.
   */
  public static TimeValue timeValue(JsonObject json, String... names) {
    if (json == null) {
      return new Absent();
    }
    for (String name : names) {
      Object v = json.getValue(name);
      if (v == null || (v instanceof String s && s.isBlank())) {
        continue;
      }
      return parseTime(v)
          .<TimeValue>map(Parsed::new)
          .orElseGet(() -> new Unparseable(excerpt(v.toString())));
    }
    return new Absent();
  }

  public static Optional<Double> parseDouble(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      double value = Double.parseDouble(text.trim());
      return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whole numbers; "12.0" is accepted, "12.5" is not. */
  public static Optional<Long> parseLong(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return parseDouble(text)
          .filter(d -> d == Math.rint(d) && Math.abs(d) < 9e15)
          .map(Double::longValue);
    }
  }

  /**
   * Vendor text time (UTC when no offset is given), ISO-8601 with an offset or Z, or epoch
   * seconds/millis (as a number or 9 to 13 digits), cut to whole microseconds (what timestamptz
   * keeps, so two items apart by less are one row). Empty for anything unreadable, for impossible
   * dates such as February 30, and for times outside years 1 to 9999; never an exception.
   */
  public static Optional<Instant> parseTime(Object value) {
    try {
      return parse(value)
          .filter(t -> !t.isBefore(MIN_TIME) && !t.isAfter(MAX_TIME))
          .map(t -> t.truncatedTo(ChronoUnit.MICROS));
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** An instant in the vendor's request format. */
  public static String format(Instant instant) {
    return VENDOR_TIME.format(instant);
  }

  private static <T> Optional<T> first(
      JsonObject json, String[] names, Function<Object, Optional<T>> read) {
    if (json == null) {
      return Optional.empty();
    }
    for (String name : names) {
      Object v = json.getValue(name);
      Optional<T> value = v == null ? Optional.empty() : read.apply(v);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> text(Object v) {
    // PostgreSQL text cannot hold NUL, and no real field needs one.
    String s = v instanceof Number n ? plain(n) : v.toString().replace("\0", "").trim();
    return s.isEmpty() || s.equalsIgnoreCase("null") ? Optional.empty() : Optional.of(s);
  }

  private static Optional<Double> decimal(Object v) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
    }
    return v instanceof String s ? parseDouble(s) : Optional.empty();
  }

  private static Optional<Boolean> flag(Object v) {
    if (v instanceof Boolean b) {
      return Optional.of(b);
    }
    if (v instanceof Number n) {
      return Optional.of(n.doubleValue() != 0);
    }
    if (!(v instanceof String s)) {
      return Optional.empty();
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "1", "true", "on", "yes" -> Optional.of(true);
      case "0", "false", "off", "no" -> Optional.of(false);
      default -> Optional.empty();
    };
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
    if (s.length() > MAX_TIME_TEXT) {
      return Optional.empty();
    }
    if (EPOCH_DIGITS.matcher(s).matches()) {
      return epoch(Long.parseLong(s));
    }
    // The vendor's "2024-05-01 10:00:00" is ISO-8601 but for the space.
    String iso =
        s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    // Only text that can carry an offset is tried with one: a failed parse costs an exception, and
    // the vendor's own format is by far the most common.
    if (s.endsWith("Z") || s.endsWith("z") || s.indexOf('+') > 0 || s.lastIndexOf('-') > 10) {
      try {
        return Optional.of(OffsetDateTime.parse(iso).toInstant());
      } catch (DateTimeException ignored) {
        // not ISO with an offset
      }
    }
    return Optional.of(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
  }

  private static Optional<Instant> epoch(long v) {
    // Ten digits or fewer are seconds; more are milliseconds.
    return Optional.of(
        Math.abs(v) < 100_000_000_000L ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v));
  }

  private static String excerpt(String raw) {
    String s = raw.replace("\0", "");
    if (s.length() <= MAX_RAW) {
      return s;
    }
    return s.substring(0, Character.isHighSurrogate(s.charAt(MAX_RAW - 1)) ? MAX_RAW - 1 : MAX_RAW)
        + "\u2026";
  }

  private static String plain(Number n) {
    if (((n instanceof Double || n instanceof Float) && Double.isFinite(n.doubleValue()))
        || n instanceof BigDecimal) {
      return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }
    return n.toString();
  }
}
