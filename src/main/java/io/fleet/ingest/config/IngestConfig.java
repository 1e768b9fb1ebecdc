package io.fleet.ingest.config;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The guard every ingest path (pollers and webhook) applies to event times: devices with a lost RTC
 * report 1970 or 2080, and such rows would poison time-partitioned tables and reports.
 */
public record IngestConfig(Instant eventEpoch, Duration eventMaxFuture) {

  public static final ConfigKey<Instant> EVENT_EPOCH =
      ConfigKey.of(
          "EVENT_EPOCH",
          "2020-01-01T00:00:00Z",
          "Event times before this instant (ISO-8601 UTC) are quarantined as before_epoch.",
          instant());
  public static final ConfigKey<Duration> EVENT_MAX_FUTURE =
      ConfigKey.of(
          "EVENT_MAX_FUTURE",
          "PT48H",
          "Event times further than this ahead of now are quarantined as too_far_in_future (ISO-8601).",
          ValueParser.duration(Duration.ZERO, Duration.ofDays(3650)));

  public static final List<ConfigKey<?>> KEYS = List.of(EVENT_EPOCH, EVENT_MAX_FUTURE);

  public static IngestConfig from(ConfigSource source) {
    return new IngestConfig(source.get(EVENT_EPOCH), source.get(EVENT_MAX_FUTURE));
  }

  /** The defaults, for tools and tests that need a guard without an environment. */
  public static IngestConfig defaults() {
    return from(new ConfigSource(java.util.Map.of()));
  }

  private static ValueParser<Instant> instant() {
    return raw -> {
      try {
        return Instant.parse(raw.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "must be an ISO-8601 UTC instant such as 2020-01-01T00:00:00Z, got '" + raw + "'");
      }
    };
  }
}
