package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LenientTest {

  @Test
  void numbersAsStringsOrNumbers() {
    JsonObject j = new JsonObject().put("a", "10").put("b", 10.5).put("c", "x").put("d", "").put("e", "12.0");
    assertThat(Lenient.decimal(j, "a")).contains(10.0);
    assertThat(Lenient.decimal(j, "b")).contains(10.5);
    assertThat(Lenient.decimal(j, "c")).isEmpty();
    assertThat(Lenient.decimal(j, "d", "a")).contains(10.0);
    assertThat(Lenient.integer(j, "e")).contains(12);
    assertThat(Lenient.integer(j, "b")).isEmpty();
    assertThat(Lenient.text(j, "missing")).isEmpty();
  }

  @Test
  void bothTimeFormatsAreUtc() {
    assertThat(Lenient.parseTime("2019-03-14 14:02:03")).contains(Instant.parse("2019-03-14T14:02:03Z"));
    assertThat(Lenient.parseTime("2022-12-10T01:05:33.000Z")).contains(Instant.parse("2022-12-10T01:05:33Z"));
    assertThat(Lenient.parseTime("2022-12-10T04:05:33+03:00")).contains(Instant.parse("2022-12-10T01:05:33Z"));
    assertThat(Lenient.parseTime("2022-12-10T01:05:33")).contains(Instant.parse("2022-12-10T01:05:33Z"));
    assertThat(Lenient.parseTime("yesterday")).isEmpty();
    assertThat(Lenient.format(Instant.parse("2024-05-01T08:05:00Z"))).isEqualTo("2024-05-01 08:05:00");
  }

  @Test
  void bothSpellingsAndUnknownFields() {
    VendorAlarm a = VendorAlarm.from(new JsonObject().put("imei", "1").put("alertTypeId", "6")
        .put("alertTypeName", "Overspeed").put("alertTime", "2024-01-01 00:00:00").put("speed", "95").put("zzz", 1));
    assertThat(a.alertTypeName()).isEqualTo("Overspeed");
    assertThat(a.speedKmh()).isEqualTo(95.0);
    VendorTrip t = VendorTrip.fromMileage(new JsonObject().put("imei", "1").put("startTime", "2024-01-01 00:00:00")
        .put("elapsed", "600"));
    assertThat(t.durationS()).isEqualTo(600);
  }
}
