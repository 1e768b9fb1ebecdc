package io.fleet.ingest.poll;

/** A row with the addresses the geocoder lane found for its start and end points (null when none). */
public record Located<T>(T row, String startAddress, String endAddress) {
  public static <T> Located<T> bare(T row) {
    return new Located<>(row, null, null);
  }
}
