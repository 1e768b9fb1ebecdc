package io.fleet.ingest.poll;

/**
 * Exact per-run counts. fetched = inserted + updated + rejected + unchanged, where unchanged rows
 * (a re-poll of what is already stored) are neither inserted nor updated.
 */
public record Counts(int fetched, int inserted, int updated, int rejected) {
  public static final Counts ZERO = new Counts(0, 0, 0, 0);

  public Counts {
    if (fetched < 0 || inserted < 0 || updated < 0 || rejected < 0) {
      throw new IllegalArgumentException("counts are never negative");
    }
  }

  public Counts plus(Counts o) {
    return new Counts(fetched + o.fetched, inserted + o.inserted, updated + o.updated, rejected + o.rejected);
  }

  public static Counts written(int inserted, int updated) {
    return new Counts(0, inserted, updated, 0);
  }

  public Counts withFetched(int n) {
    return new Counts(n, inserted, updated, rejected);
  }

  public Counts withRejected(int n) {
    return new Counts(fetched, inserted, updated, n);
  }
}
