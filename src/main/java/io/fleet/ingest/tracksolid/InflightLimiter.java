package io.fleet.ingest.tracksolid;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * At most {@code max} calls in flight; later calls wait in a bounded FIFO queue as pending futures
 * (never a blocked thread) and a full queue refuses at once. Confined to the client's context, so
 * plain fields suffice; {@link #inflight()} is read by the metrics thread.
 */
public final class InflightLimiter {
  private final int max;
  private final int queueLimit;
  private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
  private volatile int inflight;

  public InflightLimiter(int max, int queueLimit) {
    this.max = max;
    this.queueLimit = queueLimit;
  }

  public int inflight() {
    return inflight;
  }

  public int queued() {
    return waiting.size();
  }

  /** Runs {@code call} once a slot is free; fails with {@code onFull} when the queue is full. */
  // Only the client context writes; volatile is for the metrics thread's read.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  public <T> Future<T> run(Supplier<Future<T>> call, Supplier<RuntimeException> onFull) {
    Future<Void> slot;
    if (inflight < max) {
      inflight++;
      slot = Future.succeededFuture();
    } else if (waiting.size() < queueLimit) {
      Promise<Void> promise = Promise.promise();
      waiting.add(promise);
      slot = promise.future();
    } else {
      return Future.failedFuture(onFull.get());
    }
    return slot.compose(
        v -> {
          Future<T> result;
          try {
            result = call.get();
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          return result.andThen(ar -> release());
        });
  }

  // Only the client context writes; volatile is for the metrics thread's read.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void release() {
    Promise<Void> next = waiting.poll();
    if (next != null) {
      // The slot passes straight to the next waiter; inflight stays the same.
      next.complete();
    } else {
      inflight--;
    }
  }
}
