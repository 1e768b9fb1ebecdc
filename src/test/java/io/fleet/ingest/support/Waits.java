package io.fleet.ingest.support;

import java.util.function.BooleanSupplier;

/** Waits on a test thread for something asynchronous to become true; fails with what it waited for. */
public final class Waits {
  private Waits() {
  }

  public static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
  }
}
