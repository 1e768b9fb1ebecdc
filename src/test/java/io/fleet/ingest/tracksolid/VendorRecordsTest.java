package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VendorRecordsTest {

  @Test
  void bothSpellingsAndUnknownFields() {
    VendorAlarm a =
        VendorAlarm.from(
            new JsonObject()
                .put("imei", "1")
                .put("alertTypeId", "6")
                .put("alertTypeName", "Overspeed")
                .put("alertTime", "2024-01-01 00:00:00")
                .put("speed", "95")
                .put("zzz", 1));
    assertThat(a.alertTypeName()).isEqualTo("Overspeed");
    assertThat(a.speedKmh()).isEqualTo(95.0);
    VendorTrip t =
        VendorTrip.fromMileage(
            new JsonObject()
                .put("imei", "1")
                .put("startTime", "2024-01-01 00:00:00")
                .put("elapsed", "600"));
    assertThat(t.durationS()).isEqualTo(600);
  }
}
