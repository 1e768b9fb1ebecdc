package io.fleet.ingest.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeasesTest {
  static RuntimePool runtime;
  static Pool pool;

  @BeforeAll
  static void setUp() {
    runtime = RuntimePool.onFreshDatabase();
    pool = runtime.pool();
  }

  @AfterAll
  static void tearDown() {
    runtime.close();
  }

  @Test
  void oneOwnerAtATimeUntilExpiryOrRelease() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Leases a = new Leases(pool, clock, "replica-a");
    Leases b = new Leases(pool, clock, "replica-b");
    Duration ttl = Duration.ofMinutes(2);

    assertThat(Futures.get(a.tryAcquire("job", ttl), 10)).isTrue();
    assertThat(Futures.get(b.tryAcquire("job", ttl), 10)).isFalse();
    assertThat(Futures.get(a.tryAcquire("job", ttl), 10)).as("renewal").isTrue();

    clock.advance(Duration.ofMinutes(3)); // a crashed: its lease expires
    assertThat(Futures.get(b.tryAcquire("job", ttl), 10)).isTrue();
    assertThat(Futures.get(a.tryAcquire("job", ttl), 10)).isFalse();

    Futures.get(b.release("job"), 10);
    assertThat(Futures.get(a.tryAcquire("job", ttl), 10)).isTrue();
    assertThat(Futures.get(b.tryAcquire("other", ttl), 10)).as("leases are independent").isTrue();
  }
}
