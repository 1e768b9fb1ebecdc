package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.TripRecord;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VendorParsersTest {

  @Test
  void bothSpellingsAndUnknownFields() {
    JsonObject item =
        new JsonObject()
            .put("imei", "1")
            .put("alertTypeId", "6")
            .put("alertTypeName", "Overspeed")
            .put("alertTime", "2024-01-01 00:00:00")
            .put("speed", "95")
            .put("zzz", 1);
    AlarmRecord a = AlarmParser.parse(item, "demo");
    assertThat(a.alarmName()).isEqualTo("Overspeed");
    assertThat(a.speedKmh()).isEqualTo(95.0);
    assertThat(a.account()).isEqualTo("demo");
    assertThat(a.raw()).isSameAs(item);
    TripRecord t =
        TripParser.fromMileage(
            new JsonObject()
                .put("imei", "1")
                .put("startTime", "2024-01-01 00:00:00")
                .put("elapsed", "600"),
            "demo");
    assertThat(t.durationS()).isEqualTo(600);
    assertThat(t.sourceMethod()).isEqualTo(TripParser.MILEAGE);
  }
}
