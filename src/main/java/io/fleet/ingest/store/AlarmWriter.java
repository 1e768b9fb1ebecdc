package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;

/**
 * Upserts alarms into tracksolid.alarms on (imei, alarm_type, alarm_time) in ONE round trip per
 * batch. The first delivery sets first_source; a later one (push after poll or poll after push)
 * only fills fields still NULL and sets its seen_by_* flag, so one alarm stays one row whichever
 * path saw it first. A row that would not change is not rewritten and counts as unchanged.
 *
 * <p>Pass a SqlConnection inside your transaction (or a Pool for a standalone statement).
 */
public final class AlarmWriter {
  private static final String UPSERT =
      """
      INSERT INTO tracksolid.alarms AS a
        (imei, alarm_type, alarm_time, alarm_name, device_name, account, lat, lng, speed_kmh, position_time,
         geofence_id, address, raw, first_source, seen_by_poll, seen_by_push)
      SELECT u.imei, u.alarm_type, u.alarm_time, u.alarm_name, u.device_name, u.account, u.lat, u.lng,
             u.speed_kmh, u.position_time, u.geofence_id, u.address, u.raw::jsonb, $14::text, $15::boolean,
             $16::boolean
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::float8[],
                  $8::float8[], $9::float8[], $10::timestamptz[], $11::text[], $12::text[], $13::text[])
        AS u(imei, alarm_type, alarm_time, alarm_name, device_name, account, lat, lng, speed_kmh, position_time,
             geofence_id, address, raw)
      ON CONFLICT (imei, alarm_type, alarm_time) DO UPDATE SET
        alarm_name    = COALESCE(a.alarm_name, EXCLUDED.alarm_name),
        device_name   = COALESCE(a.device_name, EXCLUDED.device_name),
        account       = COALESCE(a.account, EXCLUDED.account),
        lat           = COALESCE(a.lat, EXCLUDED.lat),
        lng           = COALESCE(a.lng, EXCLUDED.lng),
        speed_kmh     = COALESCE(a.speed_kmh, EXCLUDED.speed_kmh),
        position_time = COALESCE(a.position_time, EXCLUDED.position_time),
        geofence_id   = COALESCE(a.geofence_id, EXCLUDED.geofence_id),
        -- The point only ever goes from unknown to known; then the address backfill looks again.
      """
          + AddressReset.onConflictSet(AddressReset.ALARMS, "a", AddressReset.Update.FILL)
          + """
        raw           = COALESCE(a.raw, EXCLUDED.raw),
        seen_by_poll  = a.seen_by_poll OR EXCLUDED.seen_by_poll,
        seen_by_push  = a.seen_by_push OR EXCLUDED.seen_by_push,
        updated_at    = now()
      WHERE (EXCLUDED.seen_by_poll AND NOT a.seen_by_poll)
         OR (EXCLUDED.seen_by_push AND NOT a.seen_by_push)
         OR (a.alarm_name IS NULL AND EXCLUDED.alarm_name IS NOT NULL)
         OR (a.device_name IS NULL AND EXCLUDED.device_name IS NOT NULL)
         OR (a.account IS NULL AND EXCLUDED.account IS NOT NULL)
         OR (a.lat IS NULL AND EXCLUDED.lat IS NOT NULL)
         OR (a.lng IS NULL AND EXCLUDED.lng IS NOT NULL)
         OR (a.speed_kmh IS NULL AND EXCLUDED.speed_kmh IS NOT NULL)
         OR (a.position_time IS NULL AND EXCLUDED.position_time IS NOT NULL)
         OR (a.geofence_id IS NULL AND EXCLUDED.geofence_id IS NOT NULL)
         OR (a.address IS NULL AND EXCLUDED.address IS NOT NULL)
         OR (a.raw IS NULL AND EXCLUDED.raw IS NOT NULL)
      RETURNING (xmax = 0) AS inserted
      """;

  private static final Comparator<AlarmRecord> KEY_ORDER =
      Comparator.comparing(AlarmRecord::imei)
          .thenComparing(AlarmRecord::alarmType)
          .thenComparing((AlarmRecord r) -> r.alarmTime().truncatedTo(ChronoUnit.MICROS));

  private static final Columns<AlarmRecord> COLUMNS =
      Columns.<AlarmRecord>of()
          .text(AlarmRecord::imei)
          .text(AlarmRecord::alarmType)
          .time(AlarmRecord::alarmTime)
          .text(AlarmRecord::alarmName)
          .text(AlarmRecord::deviceName)
          .text(AlarmRecord::account)
          .float8(AlarmRecord::lat)
          .float8(AlarmRecord::lng)
          .float8(AlarmRecord::speedKmh)
          .time(AlarmRecord::positionTime)
          .text(AlarmRecord::geofenceId)
          .text(AlarmRecord::address)
          .jsonb(AlarmRecord::raw);

  /**
   * Writes the batch; an empty batch makes no round trip. Repeats of one key within the batch keep
   * the first and count the rest as unchanged (PostgreSQL refuses to upsert one row twice in a
   * statement).
   */
  public Future<WriteResult> write(
      SqlClient client, Collection<AlarmRecord> alarms, Source source) {
    return COLUMNS.upsert(
        client,
        UPSERT,
        Sql.unique(alarms, KEY_ORDER, false),
        alarms.size(),
        source.column(),
        source == Source.POLL,
        source == Source.PUSH);
  }
}
