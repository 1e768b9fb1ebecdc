package io.fleet.ingest.config;

import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns a variable's text into a typed value, or says in plain words why it cannot. */
@FunctionalInterface
public interface ValueParser<T> {

  /**
   * Parses {@code raw}.
   *
   * @throws IllegalArgumentException with a message fit to show an operator
   */
  T parse(String raw);

  static ValueParser<String> text() {
    return raw -> raw;
  }

  static ValueParser<String> nonEmptyText() {
    return raw -> {
      if (raw.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return raw.trim();
    };
  }

  static ValueParser<Integer> integer(int min, int max) {
    return raw -> {
      int value;
      try {
        value = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a whole number, got '" + raw + "'");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    };
  }

  static ValueParser<Long> longInteger(long min, long max) {
    return raw -> {
      long value;
      try {
        value = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a whole number, got '" + raw + "'");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    };
  }

  static ValueParser<Double> decimal(double min, double max) {
    return raw -> {
      double value;
      try {
        value = Double.parseDouble(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a number, got '" + raw + "'");
      }
      if (!(value >= min && value <= max)) {
        throw new IllegalArgumentException(
            "must be between " + min + " and " + max + ", got " + raw.trim());
      }
      return value;
    };
  }

  static ValueParser<Boolean> bool() {
    return raw ->
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
          case "true", "1", "yes", "on" -> true;
          case "false", "0", "no", "off" -> false;
          default -> throw new IllegalArgumentException("must be true or false, got '" + raw + "'");
        };
  }

  /** ISO-8601 durations such as PT30S, PT5M or P7D. */
  static ValueParser<Duration> duration(Duration min, Duration max) {
    return raw -> {
      Duration value;
      try {
        value = Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "must be an ISO-8601 duration such as PT30S, PT5M or P7D, got '" + raw + "'");
      }
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    };
  }

  static ValueParser<LocalTime> timeOfDay() {
    return raw -> {
      try {
        return LocalTime.parse(raw.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("must be a time of day as HH:mm, got '" + raw + "'");
      }
    };
  }

  static ValueParser<ZoneId> zone() {
    return raw -> {
      try {
        return ZoneId.of(raw.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "must be a time zone such as UTC or Africa/Nairobi, got '" + raw + "'");
      }
    };
  }

  static ValueParser<URI> httpUrl() {
    return raw -> {
      try {
        URI uri = new URI(raw.trim());
        String scheme = uri.getScheme();
        if (scheme == null
            || !(scheme.equals("http") || scheme.equals("https"))
            || uri.getHost() == null) {
          throw new IllegalArgumentException(
              "must be an http:// or https:// URL, got '" + raw + "'");
        }
        return uri;
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("must be an http:// or https:// URL, got '" + raw + "'");
      }
    };
  }

  static ValueParser<String> oneOf(String... allowed) {
    Set<String> values = Set.of(allowed);
    return raw -> {
      String value = raw.trim().toLowerCase(Locale.ROOT);
      if (!values.contains(value)) {
        throw new IllegalArgumentException(
            "must be one of " + String.join(", ", allowed) + ", got '" + raw + "'");
      }
      return value;
    };
  }

  /** A comma-separated list; blanks are dropped. */
  static ValueParser<List<String>> list() {
    return raw ->
        Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
