package io.fleet.ingest.poll;

/** What one run did: ok (possibly several committed slices), skipped (nothing to ask yet) or error. */
public record RunResult(String status, Counts counts, int slices, String error) {
  public static RunResult skipped(String why) {
    return new RunResult("skipped", Counts.ZERO, 0, why);
  }

  public boolean ok() {
    return "ok".equals(status);
  }
}
