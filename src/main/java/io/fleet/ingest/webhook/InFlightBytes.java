package io.fleet.ingest.webhook;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of push bodies being received or processed, across every connection and event loop. A
 * request reserves its bytes before buffering them and gives them back when it is answered, so no
 * number of senders can make the service hold more than the cap (WEBHOOK_MAX_BYTES_IN_FLIGHT).
 */
final class InFlightBytes {
  private final long cap;
  private final AtomicLong used = new AtomicLong();

  InFlightBytes(long cap) {
    this.cap = cap;
  }

  /** True when {@code n} more bytes fit under the cap (and are now counted). */
  boolean tryReserve(long n) {
    while (true) {
      long now = used.get();
      if (now + n > cap) {
        return false;
      }
      if (used.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  void release(long n) {
    used.addAndGet(-n);
  }

  long used() {
    return used.get();
  }
}
