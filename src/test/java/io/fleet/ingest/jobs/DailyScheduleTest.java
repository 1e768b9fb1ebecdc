package io.fleet.ingest.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class DailyScheduleTest {
  final DailySchedule utc = new DailySchedule(LocalTime.of(2, 30), ZoneId.of("UTC"));

  @Test
  void firstRunIsTodayIfNotYetPastElseTomorrow() {
    assertThat(utc.firstAtOrAfter(Instant.parse("2026-03-10T01:00:00Z")))
        .isEqualTo("2026-03-10T02:30:00Z");
    assertThat(utc.firstAtOrAfter(Instant.parse("2026-03-10T02:30:00Z")))
        .isEqualTo("2026-03-10T02:30:00Z");
    assertThat(utc.firstAtOrAfter(Instant.parse("2026-03-10T02:30:00.001Z")))
        .isEqualTo("2026-03-11T02:30:00Z");
  }

  @Test
  void theNextRunCountsFromTheSlotNotTheClock() {
    assertThat(utc.after(Instant.parse("2026-03-10T02:30:00Z"))).isEqualTo("2026-03-11T02:30:00Z");
  }

  @Test
  void theTimeIsReadInTheConfiguredZone() {
    DailySchedule nairobi = new DailySchedule(LocalTime.of(2, 30), ZoneId.of("Africa/Nairobi"));
    assertThat(nairobi.firstAtOrAfter(Instant.parse("2026-03-10T00:00:00Z")))
        .isEqualTo("2026-03-10T23:30:00Z");
    // Berlin skips 02:00-03:00 on 2026-03-29: the run moves forward into the day, not a day later.
    DailySchedule berlin = new DailySchedule(LocalTime.of(2, 30), ZoneId.of("Europe/Berlin"));
    assertThat(berlin.after(Instant.parse("2026-03-28T01:30:00Z")))
        .isEqualTo("2026-03-29T01:30:00Z");
  }
}
