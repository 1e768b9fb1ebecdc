package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.support.TestService.Futures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Retries through the real client, spaced as the simulator saw the calls arrive (on the injected
 * clock, which the simulator shares). The clock runs 200 days behind the wall clock, so a
 * Retry-After date read against the wall clock would already be long past.
 */
class RetrySpacingTest {
  static final Clock CLOCK = Clock.offset(Clock.systemUTC(), Duration.ofDays(-200));
  static final String DEVICES = "jimi.user.device.list";
  static final Duration BASE = Duration.ofMillis(200);
  static final Duration MAX = Duration.ofSeconds(5);
  // What a loaded machine may add to a backoff delay: a timer firing late, the HTTP round trip.
  static final Duration SLACK = Duration.ofMillis(750);

  private static TracksolidConfig config() {
    return new TracksolidConfig(
        List.of(),
        2,
        1000,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        6,
        BASE,
        MAX,
        7200,
        Duration.ofSeconds(60),
        50,
        Duration.ofSeconds(60));
  }

  @Test
  void serverErrorsAreRetriedWithinTheFullJitterBounds() {
    try (SimHarness h = new SimHarness(SimulatorOptions.defaults(CLOCK))) {
      TracksolidClient client = h.client(config());
      h.sim.faults().inject(DEVICES, Fault.http(500), 4);
      Futures.get(client.call(DEVICES, Map.of("target", h.account.userId())), 60);

      List<Duration> gaps = gaps(h.sim.arrivals(DEVICES));
      assertThat(gaps).as("four failed attempts, then the answer").hasSize(4);
      for (int retry = 1; retry <= gaps.size(); retry++) {
        // Full jitter: before retry n a uniform wait in [0, min(max, base * 2^(n-1))].
        Duration ceiling = min(MAX, BASE.multipliedBy(1L << (retry - 1)));
        assertThat(gaps.get(retry - 1))
            .as("wait before retry %d", retry)
            .isLessThanOrEqualTo(ceiling.plus(SLACK))
            .isGreaterThanOrEqualTo(Duration.ZERO);
      }
      assertThat(h.counter("tracksolid.vendor.retries", "account", "demo", "method", DEVICES))
          .isEqualTo(4);
    }
  }

  @Test
  void aRetryAfterInSecondsOrAsADateHoldsTheNextCallBackOnTheInjectedClock() {
    try (SimHarness h = new SimHarness(SimulatorOptions.defaults(CLOCK))) {
      TracksolidClient client = h.client(config());
      h.sim.faults().inject(DEVICES, Fault.tooManyRequests(Duration.ofSeconds(3)), 1);
      // An HTTP date has whole seconds: 4 s ahead is at least 3 s ahead once truncated.
      h.sim.faults().inject(DEVICES, Fault.tooManyRequestsUntil(Duration.ofSeconds(4)), 1);
      Futures.get(client.call(DEVICES, Map.of("target", h.account.userId())), 60);

      List<Duration> gaps = gaps(h.sim.arrivals(DEVICES));
      assertThat(gaps).hasSize(2);
      assertThat(gaps.get(0))
          .as("after Retry-After: 3")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      assertThat(gaps.get(1))
          .as("after a Retry-After date 4 s ahead on the injected clock")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void aRetryAfterDateIsReadAgainstTheInjectedClock() {
    Clock held = Clock.fixed(Instant.parse("2026-03-10T12:00:00Z"), ZoneOffset.UTC);
    assertThat(SignedTransport.retryAfter("Tue, 10 Mar 2026 12:00:07 GMT", held))
        .contains(Duration.ofSeconds(7));
    assertThat(SignedTransport.retryAfter("Tue, 10 Mar 2026 11:59:00 GMT", held))
        .contains(Duration.ZERO);
    assertThat(SignedTransport.retryAfter("3", held)).contains(Duration.ofSeconds(3));
    assertThat(SignedTransport.retryAfter("soon", held)).isEqualTo(Optional.empty());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static List<Duration> gaps(List<Instant> arrivals) {
    List<Duration> out = new ArrayList<>();
    for (int i = 1; i < arrivals.size(); i++) {
      out.add(Duration.between(arrivals.get(i - 1), arrivals.get(i)));
    }
    return out;
  }
}
