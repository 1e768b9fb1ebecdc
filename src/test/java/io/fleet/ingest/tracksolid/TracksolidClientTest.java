package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against the simulator: tokens, retries, caps and the error taxonomy. */
class TracksolidClientTest {
  private static final String DEVICES = "jimi.user.device.list";
  private SimHarness h = new SimHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private Future<JsonObject> devices(TracksolidClient client) {
    return client.call(DEVICES, Map.of("target", h.account.userId()));
  }

  private static <T> T await(Future<T> f) {
    return Futures.get(f, 30);
  }

  private static Throwable failure(Future<?> f) {
    try {
      Futures.get(f, 30);
    } catch (IllegalStateException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void fiftyConcurrentCallsMakeOneLoginAndRespectTheCap() {
    TracksolidClient client = h.client();
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(devices(client));
    }
    await(Future.all(calls));
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(1);
    assertThat(h.sim.calls(DEVICES)).isEqualTo(50);
    assertThat(h.sim.maxConcurrency(h.account.appKey())).isBetween(1, 2);
    assertThat(
            h.counter("tracksolid.vendor.calls", "account", "demo", "method", DEVICES, "code", "0"))
        .isEqualTo(50);
  }

  @Test
  void tokenRejectedWith1004LogsInAgainExactlyOnceAndRetries() {
    TracksolidClient client = h.client();
    await(devices(client));
    h.sim.faults().inject(DEVICES, Fault.invalidateTokens(), 1);
    JsonObject env = await(devices(client));
    assertThat(env.getJsonArray("result")).isNotEmpty();
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(2);
    assertThat(h.sim.calls(DEVICES)).isEqualTo(3);
  }

  @Test
  void a1004ThatPersistsAfterReloginIsPermanent() {
    TracksolidClient client = h.client();
    h.sim.faults().inject(DEVICES, Fault.vendorCode("1004"), 2);
    Throwable err = failure(devices(client));
    assertThat(err).isInstanceOf(VendorException.class);
    assertThat(((VendorException) err).code()).isEqualTo("1004");
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(2);
  }

  @Test
  void a1006StormEndsInSuccessWithoutExceedingTheCap() {
    TracksolidClient client = h.client(SimHarness.config(2, 8, 100, Duration.ofSeconds(10)));
    h.sim.faults().inject(DEVICES, Fault.vendorCode("1006"), 20);
    h.sim.faults().inject(DEVICES, Fault.tooManyRequests(Duration.ZERO), 2);
    h.sim.faults().inject(DEVICES, Fault.http(502), 2);
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(devices(client));
    }
    await(Future.all(calls));
    assertThat(h.sim.calls(DEVICES)).isEqualTo(10 + 24);
    assertThat(h.sim.maxConcurrency(h.account.appKey())).isLessThanOrEqualTo(2);
    assertThat(h.counter("tracksolid.vendor.calls", "method", DEVICES, "code", "1006"))
        .isEqualTo(20);
    assertThat(h.counter("tracksolid.vendor.calls", "method", DEVICES, "code", "http_429"))
        .isEqualTo(2);
    assertThat(h.counter("tracksolid.vendor.retries", "method", DEVICES)).isEqualTo(24);
    assertThat(client.circuitState().gauge()).isZero();
  }

  @Test
  void permanentErrorsSurfaceWithTheVendorsCodeAndAreNotRetried() {
    TracksolidClient client = h.client();
    Throwable err = failure(client.call(DEVICES, Map.of("target", "someone-else")));
    assertThat(err).isInstanceOf(VendorException.class);
    assertThat(((VendorException) err).code()).isEqualTo("1002");
    assertThat(((VendorException) err).vendorMessage()).contains("someone-else");
    assertThat(h.sim.calls(DEVICES)).isEqualTo(1);

    h.sim.faults().inject(DEVICES, Fault.vendorCode("1008"), 1);
    Throwable abnormal = failure(devices(client));
    assertThat(((VendorException) abnormal).code()).isEqualTo("1008");
    assertThat(abnormal.getMessage()).contains("1008");
  }

  @Test
  void malformedJsonIsATypedErrorAfterBoundedRetries() {
    TracksolidClient client = h.client(SimHarness.config(2, 3, 100, Duration.ofSeconds(10)));
    await(devices(client));
    h.sim.faults().inject(DEVICES, Fault.malformedJson(), -1);
    Throwable err = failure(devices(client));
    assertThat(err).isInstanceOf(MalformedResponseException.class);
    assertThat(((MalformedResponseException) err).bodyExcerpt()).startsWith("{\"code\":0");
    assertThat(h.sim.calls(DEVICES)).isEqualTo(1 + 3);
    assertThat(h.counter("tracksolid.vendor.calls", "method", DEVICES, "code", "malformed"))
        .isEqualTo(3);
  }

  @Test
  void aTimeoutIsRetriedThenSucceeds() {
    TracksolidClient client = h.client(SimHarness.config(2, 3, 100, Duration.ofMillis(300)));
    await(devices(client));
    h.sim.faults().inject(DEVICES, Fault.delay(Duration.ofMillis(1500)), 1);
    await(devices(client));
    assertThat(h.counter("tracksolid.vendor.calls", "method", DEVICES, "code", "timeout"))
        .isEqualTo(1);
  }

  @Test
  void theBreakerOpensAfterConsecutiveFailuresAndRecoversThroughAProbe() {
    MutableClock clock = new MutableClock(Instant.now());
    h.close();
    h = new SimHarness(SimulatorOptions.defaults(clock));
    TracksolidClient client = h.client(SimHarness.config(2, 1, 3, Duration.ofSeconds(10)));
    await(devices(client));
    h.sim.faults().inject(DEVICES, Fault.http(500), 3);
    for (int i = 0; i < 3; i++) {
      assertThat(failure(devices(client))).isInstanceOf(TransportException.class);
    }
    assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(
            h.registry
                .find("tracksolid.vendor.circuit.state")
                .tag("account", "demo")
                .gauge()
                .value())
        .isEqualTo(2.0);
    long before = h.sim.calls(DEVICES);
    Throwable refused = failure(devices(client));
    assertThat(refused).isInstanceOf(UnavailableException.class);
    assertThat(h.sim.calls(DEVICES)).isEqualTo(before);
    clock.advance(Duration.ofMillis(201));
    assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    await(devices(client));
    assertThat(h.sim.calls(DEVICES)).isEqualTo(before + 1);
    assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aLoginRefusedWhileTheBreakerIsOpenDoesNotStickAndTheAccountRecovers() {
    MutableClock clock = new MutableClock(Instant.now());
    h.close();
    h = new SimHarness(SimulatorOptions.defaults(clock));
    // One attempt per call and a breaker that opens on the first failure.
    TracksolidClient client = h.client(SimHarness.config(2, 1, 1, Duration.ofSeconds(10)));
    h.sim.faults().inject(AccessTokens.LOGIN, Fault.http(500), 1);
    assertThat(failure(devices(client))).isInstanceOf(TransportException.class);
    assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    // The next login is refused on the spot; that refusal must not be cached as the token.
    assertThat(failure(devices(client))).isInstanceOf(UnavailableException.class);
    clock.advance(Duration.ofMillis(201));
    await(devices(client));
    assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(2);
  }

  @Test
  void callsQueuedBeforeTheBreakerOpenedFailFastInsteadOfReachingTheVendor() {
    MutableClock clock = new MutableClock(Instant.now());
    h.close();
    h = new SimHarness(SimulatorOptions.defaults(clock));
    TracksolidClient client = h.client(SimHarness.config(1, 1, 1, Duration.ofSeconds(10)));
    await(devices(client));
    long before = h.sim.calls(DEVICES);
    h.sim.faults().inject(DEVICES, Fault.http(500), 1);
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(devices(client));
    }
    long refused =
        calls.stream()
            .map(TracksolidClientTest::failure)
            .filter(
                e ->
                    e instanceof UnavailableException u
                        && u.reason() == UnavailableException.Reason.CIRCUIT_OPEN)
            .count();
    assertThat(h.sim.calls(DEVICES) - before)
        .as("only the first queued call reached the vendor")
        .isEqualTo(1);
    assertThat(refused).isEqualTo(5);
  }

  @Test
  void aTokenShorterThanTheMarginIsStillReusedForHalfItsLife() {
    MutableClock clock = new MutableClock(Instant.now());
    h.close();
    h = new SimHarness(SimulatorOptions.defaults(clock).withTokenLifetime(Duration.ofSeconds(60)));
    TracksolidClient client = h.client(); // margin 60 s, as long as the token's whole life
    await(devices(client));
    clock.advance(Duration.ofSeconds(29));
    await(devices(client));
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    await(devices(client));
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(2);
  }

  @Test
  void theTokenIsReusedUntilExpiresInMinusTheMarginThenRenewed() {
    MutableClock clock = new MutableClock(Instant.now());
    h.close();
    h = new SimHarness(SimulatorOptions.defaults(clock).withTokenLifetime(Duration.ofMinutes(10)));
    TracksolidClient client = h.client();
    await(devices(client));
    clock.advance(Duration.ofSeconds(539));
    await(devices(client));
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    await(devices(client));
    assertThat(h.sim.calls(AccessTokens.LOGIN)).isEqualTo(2);
    assertThat(h.sim.calls("jimi.user.device.list")).isEqualTo(3);
  }

  @Test
  void aFullWaitQueueRefusesAtOnce() {
    TracksolidClient client =
        new TracksolidClient(
            h.vertx,
            h.account,
            new io.fleet.ingest.config.TracksolidConfig(
                List.of(),
                1,
                2,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                1,
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                7200,
                Duration.ZERO,
                50,
                Duration.ofSeconds(1)),
            h.clock,
            h.registry);
    await(devices(client));
    // The call that takes the one slot is answered slowly, so no slot or queue place frees up
    // while the other four arrive: two wait, two are refused.
    h.sim.faults().inject(DEVICES, Fault.delay(Duration.ofSeconds(2)), 1);
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(devices(client));
    }
    long refused =
        calls.stream()
            .filter(
                f -> {
                  try {
                    Futures.get(f, 30);
                    return false;
                  } catch (IllegalStateException e) {
                    return e.getCause() instanceof UnavailableException u
                        && u.reason() == UnavailableException.Reason.QUEUE_FULL;
                  }
                })
            .count();
    assertThat(refused).isEqualTo(2);
  }
}
