package io.fleet.ingest.simulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Faults queued per method ("*" matches every method): each applies to the next {@code times} calls
 * of its method (-1 = until cleared), in the order injected. Thread-safe: tests inject from their
 * own thread while the server answers on its event loop. Vendor garbage ({@link VendorGarbage}) is
 * set apart from the queue: it applies to every call of its methods until replaced, and {@link
 * #clear()} leaves it.
 */
public final class FaultPlan {
  private static final class Entry {
    final String method;
    final Fault fault;
    int remaining;

    Entry(String method, Fault fault, int remaining) {
      this.method = method;
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private volatile VendorGarbage garbage;

  public FaultPlan() {
    this(VendorGarbage.none());
  }

  public FaultPlan(VendorGarbage garbage) {
    this.garbage = garbage;
  }

  /**
   * From the next call on, rows are broken as {@code garbage} says; {@link VendorGarbage#none()}
   * stops it.
   */
  public void garbage(VendorGarbage garbage) {
    this.garbage = java.util.Objects.requireNonNull(garbage);
  }

  public VendorGarbage garbage() {
    return garbage;
  }

  public synchronized void inject(String method, Fault fault, int times) {
    entries.add(new Entry(method, fault, times));
  }

  public synchronized void clear() {
    entries.clear();
  }

  /** The fault for this call of {@code method}, consuming one use of it. */
  public synchronized Optional<Fault> next(String method) {
    Iterator<Entry> it = entries.iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.method.equals("*") || e.method.equals(method)) {
        Fault f = e.fault;
        if (e.remaining > 0 && --e.remaining == 0) {
          it.remove();
        }
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
