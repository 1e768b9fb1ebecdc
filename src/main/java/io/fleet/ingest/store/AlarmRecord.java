package io.fleet.ingest.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One alarm, normalised from either a poll ({@code alertTypeId/alertTime/alarmTypeName}) or a push
 * ({@code alarmType/alarmTime/alarmName}). The key (imei, alarmType, alarmTime) is what makes the
 * two deliveries of one alarm one row. A polled row arrives as the vendor sent it: a row without
 * its key is refused by the run's guard before it reaches {@link AlarmWriter}.
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

  /** The natural key, for de-duplicating a batch before it is written. */
  public Object key() {
    return java.util.List.of(imei, alarmType, alarmTime);
  }
}
