package io.fleet.ingest.ingest;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/** One fix for tracksolid.position_history, keyed on (imei, gpsTime). Nullable fields may be null. */
public record PositionRecord(
    String imei,
    Instant gpsTime,
    double lat,
    double lng,
    Double speedKmh,
    Integer direction,
    String posType,
    Boolean acc,
    Integer satellites,
    Source source,
    JsonObject raw) {

  public PositionRecord {
    Objects.requireNonNull(imei, "imei");
    Objects.requireNonNull(gpsTime, "gpsTime");
    Objects.requireNonNull(source, "source");
  }

  public Object key() {
    return java.util.List.of(imei, gpsTime);
  }
}
