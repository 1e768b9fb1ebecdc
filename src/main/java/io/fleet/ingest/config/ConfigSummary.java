package io.fleet.ingest.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the service runs with, fit for a log line: secrets show only whether they are set. */
public final class ConfigSummary {
  private ConfigSummary() {}

  public static Map<String, String> describe(Map<String, String> env) {
    ConfigSource source = new ConfigSource(env);
    Map<String, String> out = new LinkedHashMap<>();
    for (ConfigKey<?> key : AppConfig.KEYS) {
      if (key.secret()) {
        out.put(key.name(), source.isSet(key) ? "(set)" : "(unset)");
      } else {
        String raw = source.raw(key);
        out.put(key.name(), raw == null || raw.isEmpty() ? "(unset)" : raw);
      }
    }
    return out;
  }
}
