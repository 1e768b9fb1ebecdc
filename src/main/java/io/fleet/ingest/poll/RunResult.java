package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.store.RunStatus;

/**
 * What one run did: ok (possibly several committed slices), skipped (nothing to ask yet) or error.
 */
public record RunResult(RunStatus status, Counts counts, int slices, String error) {
  public static RunResult skipped(String why) {
    return new RunResult(RunStatus.SKIPPED, Counts.ZERO, 0, why);
  }

  public boolean ok() {
    return status == RunStatus.OK;
  }
}
