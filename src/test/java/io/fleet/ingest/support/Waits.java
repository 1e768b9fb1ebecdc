package io.fleet.ingest.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits on a test thread for something asynchronous to become true; fails with what it waited for.
 * Every wait has a deadline, so a regression fails the test instead of hanging the build.
 */
public final class Waits {
  /** The default deadline: generous for a shared 2-core machine, far below the per-test timeout. */
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  private Waits() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, Duration.ofMillis(50), condition);
  }

  public static void until(
      String what, Duration timeout, Duration poll, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting until " + what);
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
  }
}
