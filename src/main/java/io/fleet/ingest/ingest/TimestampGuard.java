package io.fleet.ingest.ingest;

import io.fleet.ingest.config.IngestConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Refuses event times no real device can have produced: before {@code EVENT_EPOCH} (a reset RTC
 * reports 1970 or 2000) or further ahead of the injected clock than {@code EVENT_MAX_FUTURE}. The
 * answer is a quarantine reason, never an exception: the caller quarantines and carries on.
 */
public final class TimestampGuard {
  public static final String BEFORE_EPOCH = "before_epoch";
  public static final String TOO_FAR_IN_FUTURE = "too_far_in_future";

  private final IngestConfig config;
  private final Clock clock;

  public TimestampGuard(IngestConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The injected clock's now, against which polled rows are judged. */
  public Instant now() {
    return clock.instant();
  }

  /**
   * Empty when the time is acceptable, else {@link #BEFORE_EPOCH} or {@link #TOO_FAR_IN_FUTURE}.
   */
  public Optional<String> check(Instant eventTime) {
    return check(eventTime, clock.instant());
  }

  /**
   * As {@link #check(Instant)}, judged at {@code now}: a push replayed from the spool is judged at
   * the time it was received, exactly as it would have been had the database taken it then.
   */
  public Optional<String> check(Instant eventTime, Instant now) {
    if (eventTime.isBefore(config.eventEpoch())) {
      return Optional.of(BEFORE_EPOCH);
    }
    if (eventTime.isAfter(now.plus(config.eventMaxFuture()))) {
      return Optional.of(TOO_FAR_IN_FUTURE);
    }
    return Optional.empty();
  }

  /** A sentence for quarantine.detail, naming the limit the time broke. */
  public String describe(Instant eventTime, String reason) {
    return describe(eventTime, reason, clock.instant());
  }

  public String describe(Instant eventTime, String reason, Instant now) {
    return switch (reason) {
      case BEFORE_EPOCH -> eventTime + " is before EVENT_EPOCH " + config.eventEpoch();
      case TOO_FAR_IN_FUTURE ->
          eventTime + " is more than EVENT_MAX_FUTURE " + config.eventMaxFuture() + " after " + now;
      default -> eventTime + ": " + reason;
    };
  }
}
