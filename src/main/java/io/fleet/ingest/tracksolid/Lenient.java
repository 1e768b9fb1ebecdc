package io.fleet.ingest.tracksolid;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Tracksolid values the way the vendor actually sends them: numbers as numbers or strings,
 * a field under either of two spellings, times as {@code yyyy-MM-dd HH:mm:ss} (UTC) or ISO-8601.
 * Shared by the poller's typed records and the webhook's push parsing so both read a value the
 * same way. Every method returns empty (never throws) for a missing, null, blank or unparseable
 * value; callers decide whether that makes the item invalid.
 */
public final class Lenient {
  /** The vendor's wire format for times; always UTC. */
  public static final DateTimeFormatter VENDOR_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Lenient() {
  }

  /** The first non-blank value among {@code names}, as text (numbers become their decimal text). */
  public static Optional<String> text(JsonObject json, String... names) {
    if (json == null) {
      return Optional.empty();
    }
    for (String name : names) {
      Object value = json.getValue(name);
      if (value == null) {
        continue;
      }
      String text = value instanceof Number n ? numberText(n) : value.toString();
      if (!text.isBlank()) {
        return Optional.of(text.trim());
      }
    }
    return Optional.empty();
  }

  public static Optional<Double> decimal(JsonObject json, String... names) {
    return text(json, names).flatMap(Lenient::parseDouble);
  }

  public static Optional<Long> whole(JsonObject json, String... names) {
    return text(json, names).flatMap(Lenient::parseLong);
  }

  public static Optional<Integer> integer(JsonObject json, String... names) {
    return whole(json, names).filter(v -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE).map(Long::intValue);
  }

  public static Optional<Instant> time(JsonObject json, String... names) {
    return text(json, names).flatMap(Lenient::parseTime);
  }

  /** "1", "true", "ON" are true; "0", "false", "OFF" false; anything else empty. */
  public static Optional<Boolean> flag(JsonObject json, String... names) {
    return text(json, names).flatMap(t -> switch (t.toLowerCase(Locale.ROOT)) {
      case "1", "true", "on", "yes" -> Optional.of(true);
      case "0", "false", "off", "no" -> Optional.of(false);
      default -> Optional.empty();
    });
  }

  public static Optional<Double> parseDouble(String text) {
    try {
      double value = Double.parseDouble(text.trim());
      return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
    } catch (NumberFormatException | NullPointerException e) {
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
      return parseDouble(text).filter(d -> d == Math.rint(d) && Math.abs(d) < 9e15).map(Double::longValue);
    }
  }

  /**
   * {@code yyyy-MM-dd HH:mm:ss} (UTC, as the vendor documents), ISO-8601 with an offset or Z
   * (parking reports), or ISO-8601 without an offset (read as UTC).
   */
  public static Optional<Instant> parseTime(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String t = text.trim();
    try {
      if (t.length() == 19 && t.charAt(10) == ' ') {
        return Optional.of(LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
      }
      if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return Optional.of(OffsetDateTime.parse(t.replace(' ', 'T')).toInstant());
      }
      return Optional.of(LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** An instant in the vendor's request format. */
  public static String format(Instant instant) {
    return VENDOR_TIME.format(instant);
  }

  private static String numberText(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 9e15 ? Long.toString((long) d) : Double.toString(d);
    }
    return n.toString();
  }
}
