package io.fleet.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Compression must not start on chunks the pollers still upsert into. */
class CompressionAgeTest {

  @Test
  void theDefaultCompressesOnlyChunksOlderThanThePollersReach() {
    AppConfig config = AppConfig.load(Map.of(), true);
    Duration reach = config.poll().reconcileWindow().plus(config.poll().stopsOverlap());
    assertThat(reach).isEqualTo(Duration.ofDays(8));
    assertThat(config.database().timescaleCompressAfter())
        .hasValueSatisfying(after -> assertThat(after).isGreaterThan(reach));
  }

  @Test
  void aShorterCompressionAgeStopsStartupNamingBothVariables() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("TIMESCALE_COMPRESS_AFTER", "P7D"), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TIMESCALE_COMPRESS_AFTER")
        .hasMessageContaining("POLL_RECONCILE_WINDOW + POLL_OVERLAP_STOPS")
        .hasMessageContaining("PT192H");
    // A longer reconcile window makes the default too short as well.
    assertThatThrownBy(() -> AppConfig.load(Map.of("POLL_RECONCILE_WINDOW", "P14D"), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TIMESCALE_COMPRESS_AFTER")
        .hasMessageContaining("POLL_RECONCILE_WINDOW");
  }

  @Test
  void anEqualOrLongerAgeOrNoCompressionIsAccepted() {
    assertThat(
            AppConfig.load(Map.of("TIMESCALE_COMPRESS_AFTER", "P8D"), true)
                .database()
                .timescaleCompressAfter())
        .contains(Duration.ofDays(8));
    assertThat(
            AppConfig.load(
                    Map.of("TIMESCALE_COMPRESS_AFTER", "P30D", "POLL_RECONCILE_WINDOW", "P14D"),
                    true)
                .database()
                .timescaleCompressAfter())
        .contains(Duration.ofDays(30));
    assertThat(
            AppConfig.load(Map.of("TIMESCALE_COMPRESS_AFTER", ""), true)
                .database()
                .timescaleCompressAfter())
        .isEqualTo(Optional.empty());
  }
}
