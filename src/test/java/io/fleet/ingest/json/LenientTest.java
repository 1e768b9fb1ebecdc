package io.fleet.ingest.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LenientTest {

  @Test
  void numbersAsStringsOrNumbers() {
    JsonObject j =
        new JsonObject().put("a", "10").put("b", 10.5).put("c", "x").put("d", "").put("e", "12.0");
    assertThat(Lenient.decimal(j, "a")).contains(10.0);
    assertThat(Lenient.decimal(j, "b")).contains(10.5);
    assertThat(Lenient.decimal(j, "c")).isEmpty();
    assertThat(Lenient.decimal(j, "d", "a")).contains(10.0);
    assertThat(Lenient.integer(j, "e")).contains(12);
    assertThat(Lenient.integer(j, "b")).isEmpty();
    assertThat(Lenient.rounded(j, "b")).contains(11);
    assertThat(Lenient.text(j, "missing")).isEmpty();
    assertThat(Lenient.text(null, "a")).isEmpty();
  }

  @Test
  void bothTimeFormatsAreUtc() {
    assertThat(Lenient.parseTime("2019-03-14 14:02:03"))
        .contains(Instant.parse("2019-03-14T14:02:03Z"));
    assertThat(Lenient.parseTime("2022-12-10T01:05:33.000Z"))
        .contains(Instant.parse("2022-12-10T01:05:33Z"));
    assertThat(Lenient.parseTime("2022-12-10T04:05:33+03:00"))
        .contains(Instant.parse("2022-12-10T01:05:33Z"));
    assertThat(Lenient.parseTime("2022-12-10T01:05:33"))
        .contains(Instant.parse("2022-12-10T01:05:33Z"));
    assertThat(Lenient.parseTime("yesterday")).isEmpty();
    assertThat(Lenient.format(Instant.parse("2024-05-01T08:05:00Z")))
        .isEqualTo("2024-05-01 08:05:00");
  }

  @Test
  void lenientFieldsReadBothSpellingsNumbersAsStringsAndBothTimeFormats() {
    JsonObject item =
        new JsonObject()
            .put("alertTypeId", 6)
            .put("lat", "-1.2864")
            .put("acc", "off")
            .put("alertTime", "2024-05-01 07:41:12")
            .put("startTime", "2024-05-01T06:35:40.000Z")
            .put("bad", "soon");
    assertThat(Lenient.text(item, "alarmType", "alertTypeId")).contains("6");
    assertThat(Lenient.decimal(item, "lat")).contains(-1.2864);
    assertThat(Lenient.flag(item, "acc")).contains(false);
    assertThat(Lenient.timeValue(item, "alarmTime", "alertTime"))
        .isEqualTo(new Lenient.Parsed(Instant.parse("2024-05-01T07:41:12Z")));
    assertThat(Lenient.timeValue(item, "startTime"))
        .isEqualTo(new Lenient.Parsed(Instant.parse("2024-05-01T06:35:40Z")));
    assertThat(Lenient.timeValue(item, "bad")).isEqualTo(new Lenient.Unparseable("soon"));
    assertThat(Lenient.timeValue(item, "missing")).isEqualTo(new Lenient.Absent());
    assertThat(Lenient.time(item, "bad")).isEmpty();
  }

  @Test
  void textDropsNulAndTheWordNullAndPrintsNumbersPlainly() {
    JsonObject j =
        new JsonObject()
            .put("nul", "ab\u0000c ")
            .put("word", "NULL")
            .put("whole", 12.0)
            .put("tiny", 0.00001)
            .put("big", 12345678901234L);
    assertThat(Lenient.text(j, "nul")).contains("abc");
    assertThat(Lenient.text(j, "word", "whole")).contains("12");
    assertThat(Lenient.text(j, "tiny")).contains("0.00001");
    assertThat(Lenient.text(j, "big")).contains("12345678901234");
  }

  @Test
  void flagsReadEverySpellingAndTryTheNextName() {
    JsonObject j =
        new JsonObject()
            .put("a", "ON")
            .put("b", 0)
            .put("c", true)
            .put("d", "maybe")
            .put("e", " yes ");
    assertThat(Lenient.flag(j, "a")).contains(true);
    assertThat(Lenient.flag(j, "b")).contains(false);
    assertThat(Lenient.flag(j, "c")).contains(true);
    assertThat(Lenient.flag(j, "d")).isEmpty();
    assertThat(Lenient.flag(j, "d", "e")).contains(true);
  }

  @Test
  void epochTimesAreSecondsOrMillisAndImpossibleTimesAreUnreadable() {
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    assertThat(Lenient.parseTime(t.getEpochSecond())).contains(t);
    assertThat(Lenient.parseTime(Long.toString(t.toEpochMilli()))).contains(t);
    assertThat(Lenient.parseTime("2024-05-01T10:00:00.123456789Z"))
        .contains(Instant.parse("2024-05-01T10:00:00.123456Z"));
    assertThat(Lenient.parseTime("2024-02-30 10:00:00")).isEmpty();
    assertThat(Lenient.parseTime("+999999999-12-31T23:59:59Z")).isEmpty();
    assertThat(Lenient.parseTime(Long.MAX_VALUE)).isEmpty();
    assertThat(Lenient.parseTime(1e300)).isEmpty();
    assertThat(Lenient.parseTime("2024-05-01\u000009:15:00")).isEmpty();
    assertThat(Lenient.parseTime(null)).isEmpty();
  }

  @Test
  void anUnreadableTimeKeepsItsTextWithoutNulAndCut() {
    JsonObject j =
        new JsonObject().put("nul", "2024-05-01\u000009:15:00").put("huge", "9".repeat(2000));
    assertThat(Lenient.timeValue(j, "nul"))
        .isEqualTo(new Lenient.Unparseable("2024-05-0109:15:00"));
    assertThat(((Lenient.Unparseable) Lenient.timeValue(j, "huge")).raw())
        .hasSize(Lenient.MAX_RAW + 1)
        .endsWith("\u2026");
  }
}
