package io.fleet.ingest.ingest;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One alarm, normalised from either a poll ({@code alertTypeId/alertTime/alarmTypeName}) or a
 * push ({@code alarmType/alarmTime/alarmName}). The key (imei, alarmType, alarmTime) is what makes
 * the two deliveries of one alarm one row. Nullable fields may be null.
 */
public record AlarmRecord(
    String imei,
    String alarmType,
    Instant alarmTime,
    String alarmName,
    String deviceName,
    String account,
    Double lat,
    Double lng,
    Double speedKmh,
    Instant positionTime,
    String geofenceId,
    String address,
    JsonObject raw) {

  public AlarmRecord {
    Objects.requireNonNull(imei, "imei");
    Objects.requireNonNull(alarmType, "alarmType");
    Objects.requireNonNull(alarmTime, "alarmTime");
  }

  /** The natural key, for de-duplicating a batch before it is written. */
  public Object key() {
    return java.util.List.of(imei, alarmType, alarmTime);
  }
}
