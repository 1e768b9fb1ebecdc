package io.fleet.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpsConfigTest {

  @Test
  void defaultsAndThresholdPrecedence() {
    OpsConfig ops =
        AppConfig.load(
                Map.of("HEALTH_THRESHOLDS", "webhook.*=PT20M/PT2H,webhook.pushgps=PT5M/PT10M"),
                true)
            .ops();
    assertThat(ops.purgeAt()).isEqualTo(LocalTime.of(2, 30));
    assertThat(ops.ingestionLogRetentionDays()).isEqualTo(90);
    assertThat(ops.refreshLogRetentionDays()).isEqualTo(180);
    assertThat(ops.metricsPort()).isEmpty();
    assertThat(ops.separateMetricsServer(8080)).isFalse();
    assertThat(ops.thresholdsFor("webhook.pushgps").staleAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(ops.thresholdsFor("webhook.pushalarm").failingAfter())
        .isEqualTo(Duration.ofHours(2));
    assertThat(ops.thresholdsFor("poll.alarms").staleAfter()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void metricsPortEqualToTheHttpPortMeansThePublicServer() {
    OpsConfig ops = AppConfig.load(Map.of("METRICS_PORT", "8080"), true).ops();
    assertThat(ops.metricsPort()).isEqualTo(Optional.of(8080));
    assertThat(ops.separateMetricsServer(8080)).isFalse();
    assertThat(ops.separateMetricsServer(8081)).isTrue();
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of(
                        "HEALTH_THRESHOLDS", "poll.alarms=PT1H/PT15M",
                        "HEALTH_STALE_AFTER", "PT2H",
                        "METRICS_PORT", "nine",
                        "PURGE_AT", "25:00",
                        "PURGE_ZONE", "Mars/Olympus"),
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HEALTH_THRESHOLDS")
        .hasMessageContaining("HEALTH_FAILING_AFTER")
        .hasMessageContaining("METRICS_PORT")
        .hasMessageContaining("PURGE_AT")
        .hasMessageContaining("PURGE_ZONE");
  }
}
