package io.fleet.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Process-wide settings: logging, shutdown, identity. */
public record ServiceConfig(
    String logFormat, String logLevel, Duration shutdownGrace, Optional<String> instanceId) {

  public static final ConfigKey<String> LOG_FORMAT =
      ConfigKey.of(
          "LOG_FORMAT",
          "auto",
          "json for one JSON object per line on stdout, text for people, auto for text on a terminal and json otherwise.",
          ValueParser.oneOf("auto", "json", "text"));
  public static final ConfigKey<String> LOG_LEVEL =
      ConfigKey.of(
          "LOG_LEVEL",
          "INFO",
          "Root log level: TRACE, DEBUG, INFO, WARN or ERROR.",
          raw ->
              ValueParser.oneOf("trace", "debug", "info", "warn", "error")
                  .parse(raw)
                  .toUpperCase(java.util.Locale.ROOT));
  public static final ConfigKey<Duration> SHUTDOWN_GRACE =
      ConfigKey.of(
          "SHUTDOWN_GRACE",
          "PT20S",
          "How long in-flight work may finish after SIGTERM (ISO-8601).",
          ValueParser.duration(Duration.ZERO, Duration.ofMinutes(10)));
  public static final ConfigKey<String> INSTANCE_ID =
      ConfigKey.of(
          "INSTANCE_ID",
          "",
          "Name of this replica in leases and logs; empty uses host name and process id.",
          ValueParser.text());

  public static final List<ConfigKey<?>> KEYS =
      List.of(LOG_FORMAT, LOG_LEVEL, SHUTDOWN_GRACE, INSTANCE_ID);

  public static ServiceConfig from(ConfigSource source) {
    String id = source.get(INSTANCE_ID).trim();
    return new ServiceConfig(
        source.get(LOG_FORMAT),
        source.get(LOG_LEVEL),
        source.get(SHUTDOWN_GRACE),
        id.isEmpty() ? Optional.empty() : Optional.of(id));
  }
}
