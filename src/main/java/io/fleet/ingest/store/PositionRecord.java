package io.fleet.ingest.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One fix for tracksolid.position_history, keyed on (imei, gpsTime). A polled fix arrives as the
 * vendor sent it: one without its key or with impossible coordinates is refused by the run's guard
 * before it reaches {@link PositionWriter}.
 */
public record PositionRecord(
    String imei,
    Instant gpsTime,
    Double lat,
    Double lng,
    Double speedKmh,
    Integer direction,
    String posType,
    Boolean acc,
    Integer satellites,
    Source source,
    JsonObject raw) {

  public PositionRecord {
    Objects.requireNonNull(source, "source");
  }

  public Object key() {
    return java.util.List.of(imei, gpsTime);
  }
}
