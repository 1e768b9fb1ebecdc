package io.fleet.ingest.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A half-open time range [from, to) asked of the vendor. */
public record Window(Instant from, Instant to) {

  public boolean isEmpty() {
    return !from.isBefore(to);
  }

  /** Consecutive pieces of at most {@code max}, so each is fetched and committed on its own. */
  public List<Window> slices(Duration max) {
    List<Window> out = new ArrayList<>();
    Instant start = from;
    while (start.isBefore(to)) {
      Instant end = start.plus(max);
      if (end.isAfter(to)) {
        end = to;
      }
      out.add(new Window(start, end));
      start = end;
    }
    return out;
  }

  /**
   * The next scheduled window: from the checkpoint less the overlap (late rows), to now less the
   * settle delay (rows still being written upstream).
   */
  public static Window next(Instant checkpoint, Instant now, Duration overlap, Duration settle) {
    return new Window(checkpoint.minus(overlap), now.minus(settle));
  }
}
