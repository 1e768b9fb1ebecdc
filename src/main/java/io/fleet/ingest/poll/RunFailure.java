package io.fleet.ingest.poll;

import io.fleet.ingest.ingest.IngestRun;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every poll kind records a run that failed: a warning naming the stream, account and window
 * (never a vendor body), its duration, and an error row in ingestion_log. The caller passes the
 * failure on.
 */
record RunFailure(PollMetrics metrics, IngestRun run) {
  private static final Logger log = LoggerFactory.getLogger(RunFailure.class);

  Future<Void> record(IngestRun.Run r, long t0, Throwable err) {
    log.warn(
        "{} for account {} window {}..{} failed: {}",
        r.stream(),
        r.account(),
        r.from(),
        r.to(),
        String.valueOf(err.getMessage()));
    metrics.duration(r.stream(), r.account(), elapsed(t0));
    return run.logFailure(r, err);
  }

  static Duration elapsed(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
