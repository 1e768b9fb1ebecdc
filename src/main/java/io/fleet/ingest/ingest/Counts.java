package io.fleet.ingest.ingest;

import io.fleet.ingest.store.WriteResult;

/**
 * Exact counts of a run, as its ingestion_log row holds them: fetched = inserted + updated +
 * rejected + unchanged, where unchanged rows (a re-poll of what is already stored) are neither
 * inserted nor updated. One table write reports a {@link WriteResult}; a run adds what it fetched
 * and refused.
 */
public record Counts(int fetched, int inserted, int updated, int rejected) {
  public static final Counts ZERO = new Counts(0, 0, 0, 0);

  public Counts {
    if (fetched < 0 || inserted < 0 || updated < 0 || rejected < 0) {
      throw new IllegalArgumentException("counts are never negative");
    }
  }

  public Counts plus(Counts o) {
    return new Counts(
        fetched + o.fetched, inserted + o.inserted, updated + o.updated, rejected + o.rejected);
  }

  /**
   * A run that fetched {@code fetched} items, wrote {@code written} and refused {@code rejected}.
   */
  public static Counts of(int fetched, WriteResult written, int rejected) {
    return new Counts(fetched, written.inserted(), written.updated(), rejected);
  }
}
