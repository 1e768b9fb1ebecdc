package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void fullJitterDoublesUpToTheCapAndHonoursRetryAfter() {
    Backoff top = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.999999);
    assertThat(top.delay(1, Optional.empty())).isEqualTo(Duration.ofMillis(99));
    assertThat(top.delay(3, Optional.empty())).isEqualTo(Duration.ofMillis(399));
    assertThat(top.delay(10, Optional.empty())).isEqualTo(Duration.ofMillis(999));
    Backoff zero = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
    assertThat(zero.delay(2, Optional.empty())).isZero();
    assertThat(zero.delay(2, Optional.of(Duration.ofMillis(500))))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(zero.delay(2, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(1));
    // A Retry-After too large for milliseconds is capped, not an ArithmeticException.
    assertThat(zero.delay(2, Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 100))))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
