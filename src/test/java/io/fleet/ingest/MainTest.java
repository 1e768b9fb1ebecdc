package io.fleet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** LOG_FORMAT: text for a person at a terminal, JSON for a collector, unless it is set. */
class MainTest {

  @Test
  void autoFollowsTheTerminalAndAnExplicitFormatWins() {
    assertThat(Main.logFormat(null, true)).isEqualTo("text");
    assertThat(Main.logFormat("", false)).isEqualTo("json");
    assertThat(Main.logFormat("auto", true)).isEqualTo("text");
    assertThat(Main.logFormat("AUTO", false)).isEqualTo("json");
    assertThat(Main.logFormat("json", true)).isEqualTo("json");
    assertThat(Main.logFormat(" text ", false)).isEqualTo("text");
    assertThat(Main.logFormat("xml", true))
        .as("invalid: JSON until the configuration names it")
        .isEqualTo("json");
  }

  @Test
  void noConsoleIsNoTerminal() {
    assertThat(Main.isTerminal(null)).isFalse();
  }
}
