package io.fleet.ingest.store;

/**
 * What one batched write did. {@code inserted} rows are new; {@code updated} rows existed and
 * changed (a NULL filled, a seen-by flag set); {@code unchanged} were already stored exactly so
 * (duplicate delivery) or repeated within the batch. The three add up to the batch size.
 */
public record WriteResult(int inserted, int updated, int unchanged) {
  public static final WriteResult NONE = new WriteResult(0, 0, 0);

  public WriteResult {
    if (inserted < 0 || updated < 0 || unchanged < 0) {
      throw new IllegalArgumentException(
          "counts are never negative: " + inserted + "/" + updated + "/" + unchanged);
    }
  }

  public WriteResult plus(WriteResult other) {
    return new WriteResult(
        inserted + other.inserted, updated + other.updated, unchanged + other.unchanged);
  }

  public int total() {
    return inserted + updated + unchanged;
  }
}
