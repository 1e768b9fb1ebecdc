package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.AlarmRecord;
import io.vertx.core.json.JsonObject;

/**
 * One {@code jimi.device.alarm.list} item as the store's {@link AlarmRecord}. Fields the vendor
 * left out or sent unreadable are null; {@code raw} keeps the item as received. The vendor's own
 * {@code account} and {@code model} stay in {@code raw}: the record carries the login account.
 */
final class AlarmParser {
  private AlarmParser() {}

  static AlarmRecord parse(JsonObject item, String account) {
    return new AlarmRecord(
        Lenient.text(item, "imei").orElse(null),
        Lenient.text(item, "alertTypeId").orElse(null),
        Lenient.time(item, "alertTime").orElse(null),
        Lenient.text(item, "alarmTypeName", "alertTypeName").orElse(null),
        Lenient.text(item, "deviceName").orElse(null),
        account,
        Lenient.decimal(item, "lat").orElse(null),
        Lenient.decimal(item, "lng").orElse(null),
        Lenient.decimal(item, "speed").orElse(null),
        Lenient.time(item, "positioningTime").orElse(null),
        Lenient.text(item, "geoid").orElse(null),
        null,
        item);
  }

  /**
   * The natural key (imei, alarm type, alarm time) as text; null parts print as "null" so broken
   * items never collide with good ones.
   */
  static String key(AlarmRecord alarm) {
    return Piece.key(alarm.raw(), alarm.imei(), alarm.alarmType(), alarm.alarmTime());
  }
}
