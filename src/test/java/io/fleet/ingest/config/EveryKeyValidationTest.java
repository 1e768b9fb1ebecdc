package io.fleet.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every typed variable refuses a nonsense value at load time, and the message names it. */
class EveryKeyValidationTest {
  private static final String NONSENSE = "%%not-a-value%%";

  @Test
  void aNonsenseValueForAnyTypedKeyIsReportedByName() {
    List<String> checked = new ArrayList<>();
    for (ConfigKey<?> key : AppConfig.KEYS) {
      if (acceptsAnything(key)) {
        continue;
      }
      Throwable thrown = catchThrowable(() -> AppConfig.load(Map.of(key.name(), NONSENSE), true));
      assertThat(thrown).as(key.name()).isInstanceOf(ConfigException.class);
      assertThat(((ConfigException) thrown).problems())
          .as(key.name())
          .anyMatch(p -> p.startsWith(key.name() + ":") || p.startsWith(key.name() + "_FILE:"));
      assertThat(thrown.getMessage())
          .as("secrets are not echoed")
          .doesNotContain(NONSENSE + "-secret");
      checked.add(key.name());
    }
    // The guard against a vacuous pass: most keys are typed.
    assertThat(checked)
        .hasSizeGreaterThan(AppConfig.KEYS.size() / 2)
        .contains(
            "HTTP_PORT",
            "SHUTDOWN_GRACE",
            "POLL_INTERVAL_ALARMS",
            "PURGE_AT",
            "GEOCODE_RATE_PER_SECOND");
  }

  private static boolean acceptsAnything(ConfigKey<?> key) {
    try {
      key.parser().parse(NONSENSE);
      // Free text at parse level; some of these are still checked when the section is built.
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
