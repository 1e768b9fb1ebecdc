package io.fleet.ingest.geocode;

import java.time.Instant;
import java.util.Optional;

/**
 * The lane as health and metrics see it. {@code active} means this replica holds the 'geocoder'
 * lease and may call Nominatim; {@code pausedUntil} is set after a 429 or 403.
 */
public record LaneState(
    boolean enabled,
    boolean active,
    Optional<Instant> pausedUntil,
    int queueDepth,
    int freshDepth,
    int backfillDepth,
    double ratePerSecond) {

  public static final LaneState DISABLED =
      new LaneState(false, false, Optional.empty(), 0, 0, 0, 0);

  public boolean paused() {
    return pausedUntil.isPresent();
  }

  public boolean running() {
    return enabled && active && !paused();
  }
}
