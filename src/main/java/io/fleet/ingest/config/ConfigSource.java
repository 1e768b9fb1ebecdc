package io.fleet.ingest.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values from environment variables. A secret may instead come from the file named by
 * {@code NAME_FILE} (Docker and Kubernetes secrets). Problems are collected, not thrown one at a
 * time, so an operator sees every wrong variable in one start.
 */
public final class ConfigSource {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public ConfigSource(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static ConfigSource fromSystem() {
    return new ConfigSource(System.getenv());
  }

  /** The raw text a key resolves to: its variable, its _FILE for secrets, or its default. */
  public String raw(ConfigKey<?> key) {
    String direct = env.get(key.name());
    if (key.secret()) {
      String file = env.get(key.name() + "_FILE");
      if (file != null && !file.isBlank()) {
        if (direct != null && !direct.isEmpty()) {
          problems.add(
              key.name() + ": set either " + key.name() + " or " + key.name() + "_FILE, not both");
          return direct;
        }
        try {
          // Secret files usually end in a newline that is not part of the secret.
          return Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
          problems.add(
              key.name()
                  + "_FILE: cannot read secret file '"
                  + file
                  + "' ("
                  + e.getClass().getSimpleName()
                  + ")");
          return key.defaultValue();
        }
      }
    }
    return direct != null ? direct : key.defaultValue();
  }

  public boolean isSet(ConfigKey<?> key) {
    String direct = env.get(key.name());
    if (direct != null && !direct.isEmpty()) {
      return true;
    }
    return key.secret()
        && env.get(key.name() + "_FILE") != null
        && !env.get(key.name() + "_FILE").isBlank();
  }

  /** The parsed value; on a bad value the problem is recorded and the default is used meanwhile. */
  public <T> T get(ConfigKey<T> key) {
    String raw = raw(key);
    try {
      return key.parser().parse(raw == null ? "" : raw);
    } catch (IllegalArgumentException e) {
      // Secrets are never echoed back, even in error messages.
      String why = key.secret() ? "invalid value" : e.getMessage();
      problems.add(key.name() + ": " + why);
      try {
        return key.parser().parse(key.defaultValue());
      } catch (IllegalArgumentException ignored) {
        return null;
      }
    }
  }

  public void problem(ConfigKey<?> key, String message) {
    problems.add(key.name() + ": " + message);
  }

  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
