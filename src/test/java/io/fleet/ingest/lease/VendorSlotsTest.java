package io.fleet.ingest.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.lease.VendorSlots.Slot;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-account semaphore shared by replicas, as the runtime role uses it. */
class VendorSlotsTest {
  static final Duration TTL = Duration.ofSeconds(10);
  static RuntimePool runtime;

  @BeforeAll
  static void setUp() {
    runtime = RuntimePool.onFreshDatabase();
  }

  @AfterAll
  static void tearDown() {
    runtime.close();
  }

  @Test
  void concurrentClaimsFromTwoReplicasNeverGrantMoreThanTheCap() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    VendorSlots a = new VendorSlots(runtime.pool(), clock, "replica-a");
    VendorSlots b = new VendorSlots(runtime.pool(), clock, "replica-b");
    Futures.get(Future.all(a.ensure("race", 3), b.ensure("race", 3)), 10);

    List<Future<Optional<Slot>>> claims = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      claims.add(a.tryClaim("race", 3, TTL));
      claims.add(b.tryClaim("race", 3, TTL));
    }
    List<Optional<Slot>> granted =
        Futures.get(Future.all(claims).map(c -> c.<Optional<Slot>>list()), 30);
    List<Integer> slots =
        granted.stream().flatMap(Optional::stream).map(Slot::slot).sorted().toList();
    assertThat(slots).as("each of the three slots granted once").containsExactly(0, 1, 2);
  }

  @Test
  void aClaimIsHeldUntilReleasedRenewedWhileRunningAndLapsesWhenItsHolderDies() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    VendorSlots a = new VendorSlots(runtime.pool(), clock, "replica-a");
    VendorSlots b = new VendorSlots(runtime.pool(), clock, "replica-b");
    Futures.get(a.ensure("acct", 2), 10);
    Futures.get(b.ensure("acct", 2), 10);
    assertThat(
            Sql.count(
                runtime.db(),
                "SELECT count(*) FROM tracksolid.vendor_slots WHERE account = 'acct'"))
        .as("ensure is idempotent")
        .isEqualTo(2);

    Slot first = Futures.get(a.tryClaim("acct", 2, TTL), 10).orElseThrow();
    Slot second = Futures.get(b.tryClaim("acct", 2, TTL), 10).orElseThrow();
    assertThat(first.slot()).isNotEqualTo(second.slot());
    assertThat(Futures.get(b.tryClaim("acct", 2, TTL), 10)).as("both slots taken").isEmpty();

    Futures.get(a.release(first), 10);
    Slot third = Futures.get(b.tryClaim("acct", 2, TTL), 10).orElseThrow();
    assertThat(third.slot()).isEqualTo(first.slot());
    Futures.get(a.release(first), 10);
    assertThat(Futures.get(a.tryClaim("acct", 2, TTL), 10))
        .as("a stale release frees nobody else's claim")
        .isEmpty();

    // b keeps `second` alive by renewing it; `third` is left to lapse, as if b had died holding it.
    clock.advance(Duration.ofSeconds(6));
    assertThat(Futures.get(b.renew(second, TTL), 10)).isTrue();
    clock.advance(Duration.ofSeconds(6));
    Slot taken = Futures.get(a.tryClaim("acct", 2, TTL), 10).orElseThrow();
    assertThat(taken.slot()).as("the lapsed claim is taken over").isEqualTo(third.slot());
    assertThat(Futures.get(a.tryClaim("acct", 2, TTL), 10))
        .as("the renewed one is still held")
        .isEmpty();
    assertThat(Futures.get(b.renew(third, TTL), 10))
        .as("a lapsed claim cannot be renewed")
        .isFalse();
  }
}
