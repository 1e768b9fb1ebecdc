package io.fleet.ingest.config;

import java.util.List;

/** The one public HTTP server. */
public record HttpConfig(String host, int port, boolean h2cEnabled) {

  public static final ConfigKey<String> HTTP_HOST =
      ConfigKey.of(
          "HTTP_HOST", "0.0.0.0", "Address the HTTP server binds to.", ValueParser.nonEmptyText());
  public static final ConfigKey<Integer> HTTP_PORT =
      ConfigKey.of(
          "HTTP_PORT",
          "8080",
          "Port of the HTTP server (health, webhook, metrics); 0 picks a free port.",
          ValueParser.integer(0, 65535));
  public static final ConfigKey<Boolean> HTTP_H2C_ENABLED =
      ConfigKey.of(
          "HTTP_H2C_ENABLED",
          "false",
          "Accept cleartext HTTP/2 (h2c upgrade and prior knowledge); off, the server speaks HTTP/1.1 only.",
          ValueParser.bool());

  public static final List<ConfigKey<?>> KEYS = List.of(HTTP_HOST, HTTP_PORT, HTTP_H2C_ENABLED);

  public static HttpConfig from(ConfigSource source) {
    return new HttpConfig(
        source.get(HTTP_HOST), source.get(HTTP_PORT), source.get(HTTP_H2C_ENABLED));
  }
}
