package io.fleet.ingest.config;

import java.util.List;

/** The one public HTTP server. */
public record HttpConfig(String host, int port) {

  public static final ConfigKey<String> HTTP_HOST =
      ConfigKey.of("HTTP_HOST", "0.0.0.0", "Address the HTTP server binds to.", ValueParser.nonEmptyText());
  public static final ConfigKey<Integer> HTTP_PORT =
      ConfigKey.of("HTTP_PORT", "8080", "Port of the HTTP server (health, webhook, metrics); 0 picks a free port.",
          ValueParser.integer(0, 65535));

  public static final List<ConfigKey<?>> KEYS = List.of(HTTP_HOST, HTTP_PORT);

  public static HttpConfig from(ConfigSource source) {
    return new HttpConfig(source.get(HTTP_HOST), source.get(HTTP_PORT));
  }
}
