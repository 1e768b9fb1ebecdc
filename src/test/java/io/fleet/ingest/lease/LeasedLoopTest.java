package io.fleet.ingest.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.lease.LeasedLoop.Turn;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The leased job loop on a real lease table: one turn at a time, on one replica, stopped whole. */
class LeasedLoopTest {
  static RuntimePool runtime;
  static Pool pool;
  static Vertx vertx;

  @BeforeAll
  static void setUp() {
    runtime = RuntimePool.onFreshDatabase();
    pool = runtime.pool();
    vertx = runtime.vertx();
  }

  @AfterAll
  static void tearDown() {
    runtime.close();
  }

  private static Leases leases(String owner) {
    return new Leases(pool, Clock.systemUTC(), owner);
  }

  private static String owner(String lease) {
    return Futures.get(
        pool.preparedQuery("SELECT owner FROM tracksolid.leases WHERE name = $1")
            .execute(Tuple.of(lease))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("owner")),
        10);
  }

  @Test
  void aTurnLongerThanThePeriodIsNeverOverlapped() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    LeasedLoop<Integer> loop =
        new LeasedLoop<>(
            vertx,
            leases("a"),
            LeaseTerms.kept("loop.overlap", Duration.ofMinutes(1)),
            hold -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              Promise<Integer> slow = Promise.promise();
              vertx.setTimer(
                  50,
                  id -> {
                    running.decrementAndGet();
                    slow.complete(ran.incrementAndGet());
                  });
              return slow.future();
            },
            turn -> Duration.ofMillis(1));
    loop.start(Duration.ZERO);
    Waits.until("five turns ran", () -> ran.get() >= 5);
    Futures.get(loop.stop(), 10);
    assertThat(most.get()).isEqualTo(1);
    assertThat(running.get()).as("stop waited for the turn in flight").isZero();
    assertThat(owner("loop.overlap")).as("kept terms leave the lease to expire").isEqualTo("a");
  }

  @Test
  void anotherReplicaSkipsWhileTheHolderRunsAndTheLeaseIsReleasedAtStop() {
    List<Turn<String>> seenByB = new CopyOnWriteArrayList<>();
    List<Boolean> heldByA = new CopyOnWriteArrayList<>();
    LeaseTerms terms =
        LeaseTerms.kept("loop.handover", Duration.ofMinutes(1))
            .renewedEvery(Duration.ofMillis(20))
            .releasedOnStop();
    LeasedLoop<String> a =
        new LeasedLoop<>(
            vertx,
            leases("a"),
            terms,
            hold -> Future.succeededFuture(hold.fence().owner()),
            turn -> Duration.ofMillis(20),
            heldByA::add);
    LeasedLoop<String> b =
        new LeasedLoop<>(
            vertx,
            leases("b"),
            terms,
            hold -> Future.succeededFuture(hold.fence().owner()),
            turn -> {
              seenByB.add(turn);
              return Duration.ofMillis(20);
            });
    Futures.get(a.startNow(), 10);
    b.start(Duration.ZERO);
    Waits.until("B met A's lease", () -> seenByB.size() >= 3);
    assertThat(seenByB.subList(0, 3)).allMatch(t -> t instanceof Turn.Skipped<String>);

    Futures.get(a.stop(), 10);
    assertThat(heldByA).containsExactly(true, false);
    Waits.until("B took over", () -> seenByB.contains(new Turn.Ran<>("b")));
    Futures.get(b.stop(), 10);
    assertThat(owner("loop.handover")).as("released at stop").isNull();
  }

  @Test
  void aCatchUpRunsOnlyWhenDueAndStopWaitsForIt() {
    List<Turn<String>> caught = new CopyOnWriteArrayList<>();
    AtomicInteger scheduled = new AtomicInteger();
    LeasedLoop<String> loop =
        new LeasedLoop<>(
            vertx,
            leases("a"),
            LeaseTerms.kept("loop.catchup", Duration.ofMinutes(1)),
            hold -> Future.succeededFuture("ran"),
            turn -> {
              scheduled.incrementAndGet();
              return Duration.ofHours(1);
            });
    loop.start(Duration.ofHours(1));
    Futures.get(loop.catchUp(() -> Future.succeededFuture(false), caught::add), 10);
    assertThat(caught).isEmpty();

    Promise<Boolean> due = Promise.promise();
    loop.catchUp(due::future, caught::add);
    Future<Void> stopped = loop.stop();
    vertx.setTimer(50, id -> due.complete(true));
    Futures.get(stopped, 10);
    assertThat(due.future().isComplete()).as("stop waited for the check").isTrue();
    assertThat(caught).as("no work starts once stopping").isEmpty();
    assertThat(scheduled.get()).as("the scheduled turn never came").isZero();
  }
}
