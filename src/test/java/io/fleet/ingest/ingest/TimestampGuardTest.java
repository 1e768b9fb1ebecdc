package io.fleet.ingest.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.IngestConfig;
import io.fleet.ingest.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class TimestampGuardTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final TimestampGuard guard = new TimestampGuard(IngestConfig.defaults(), clock);

  @Test
  void refusesTimesBeforeTheEpochOrTooFarAheadOfTheClock() {
    assertThat(guard.check(Instant.parse("1970-01-01T00:00:00Z"))).contains("before_epoch");
    assertThat(guard.check(Instant.parse("2019-12-31T23:59:59Z"))).contains("before_epoch");
    assertThat(guard.check(Instant.parse("2020-01-01T00:00:00Z"))).isEmpty();
    assertThat(guard.check(clock.instant().plus(Duration.ofDays(2)))).isEmpty();
    assertThat(guard.check(clock.instant().plus(Duration.ofHours(49))))
        .contains("too_far_in_future");
    clock.advance(Duration.ofHours(2));
    assertThat(guard.check(Instant.parse("2026-01-03T01:00:00Z"))).isEmpty();
  }

  @Test
  void configIsReadAndValidated() {
    AppConfig config =
        AppConfig.load(
            Map.of(
                "EVENT_EPOCH",
                "2023-06-01T00:00:00Z",
                "EVENT_MAX_FUTURE",
                "PT1H",
                "JIMI_WEBHOOK_TOKEN",
                "config-test-token-0123456789abcdef",
                "GEOCODE_ENABLED",
                "false"),
            false);
    assertThat(config.ingest().eventEpoch()).isEqualTo(Instant.parse("2023-06-01T00:00:00Z"));
    assertThat(config.ingest().eventMaxFuture()).isEqualTo(Duration.ofHours(1));
    Assertions.assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of(
                        "EVENT_EPOCH",
                        "yesterday",
                        "JIMI_WEBHOOK_TOKEN",
                        "config-test-token-0123456789abcdef"),
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("EVENT_EPOCH");
  }
}
