package io.fleet.ingest.jobs;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** When a once-a-day job next runs, in the operator's zone (a DST gap moves it forward). */
public record DailySchedule(LocalTime at, ZoneId zone) {

  /** The first run at or after {@code now}: a start exactly at the hour runs at once. */
  public Instant firstAtOrAfter(Instant now) {
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime candidate = ZonedDateTime.of(local.toLocalDate(), at, zone);
    if (candidate.toInstant().isBefore(now)) {
      candidate = ZonedDateTime.of(local.toLocalDate().plusDays(1), at, zone);
    }
    return candidate.toInstant();
  }

  /**
   * The run after the one scheduled at {@code slot}. Counted from the slot, not from the clock, so
   * a run never repeats its own slot however early its timer fires or however the clock stands.
   */
  public Instant after(Instant slot) {
    ZonedDateTime local = slot.atZone(zone);
    return ZonedDateTime.of(local.toLocalDate().plusDays(1), at, zone).toInstant();
  }

  /**
   * The run before the one scheduled at {@code slot}: the slot a start just after it may have
   * missed.
   */
  public Instant before(Instant slot) {
    ZonedDateTime local = slot.atZone(zone);
    return ZonedDateTime.of(local.toLocalDate().minusDays(1), at, zone).toInstant();
  }
}
