package io.fleet.ingest.config;

import java.util.Objects;

/**
 * One configuration variable, declared once: its environment name, default, one-line doc, whether
 * it is a secret (then {@code NAME_FILE} is accepted and the value is never printed) and how its
 * text becomes a typed value.
 */
public record ConfigKey<T>(
    String name, String defaultValue, String doc, boolean secret, ValueParser<T> parser) {

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(parser, "parser");
    if (!name.matches("[A-Z][A-Z0-9_]*")) {
      throw new IllegalArgumentException("config key names are upper snake case: " + name);
    }
  }

  public static <T> ConfigKey<T> of(
      String name, String defaultValue, String doc, ValueParser<T> parser) {
    return new ConfigKey<>(name, defaultValue, doc, false, parser);
  }

  public static <T> ConfigKey<T> secret(String name, String doc, ValueParser<T> parser) {
    return new ConfigKey<>(name, "", doc, true, parser);
  }

  /** The README shows the default; an empty default reads as "(unset)". */
  public String displayDefault() {
    return defaultValue == null || defaultValue.isEmpty() ? "(unset)" : defaultValue;
  }
}
