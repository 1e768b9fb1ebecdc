package io.fleet.ingest.poll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * TEMPORARY stand-in for the webhook branch's TimestampGuard and writers, so the pollers can be
 * built and tested before that branch lands; {@code IngestWriterSinks} replaces it on merge.
 */
final class InterimSinks implements IngestSinks {
  private final Clock clock;
  private final Instant epoch = Instant.parse("2020-01-01T00:00:00Z");
  private final Duration maxFuture = Duration.ofHours(48);

  InterimSinks(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<String> checkTime(Instant t) {
    if (t.isBefore(epoch)) {
      return Optional.of("before_epoch");
    }
    if (t.isAfter(clock.instant().plus(maxFuture))) {
      return Optional.of("too_far_in_future");
    }
    return Optional.empty();
  }

  @Override
  public String describe(Instant t, String reason) {
    return t + ": " + reason;
  }

  @Override
  public Future<Counts> alarms(SqlConnection conn, String account, List<VendorRows.Alarm> rows) {
    String sql = """
        INSERT INTO tracksolid.alarms AS a (imei, alarm_type, alarm_time, alarm_name, device_name, account, lat, lng,
          speed_kmh, position_time, geofence_id, first_source, seen_by_poll, raw)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'poll', true, $12)
        ON CONFLICT (imei, alarm_type, alarm_time) DO UPDATE SET seen_by_poll = true, raw = EXCLUDED.raw
        WHERE NOT a.seen_by_poll OR a.raw IS DISTINCT FROM EXCLUDED.raw
        RETURNING (xmax = 0) AS inserted""";
    java.util.Map<String, Tuple> byKey = new java.util.LinkedHashMap<>();
    for (VendorRows.Alarm a : rows) {
      byKey.put(a.imei() + "|" + a.alarmType() + "|" + a.alarmTime(), Tuple.tuple().addString(a.imei())
          .addString(a.alarmType()).addOffsetDateTime(Checkpoints.utc(a.alarmTime())).addString(a.alarmName())
          .addString(a.deviceName()).addString(account).addDouble(a.lat()).addDouble(a.lng()).addDouble(a.speedKmh())
          .addOffsetDateTime(Checkpoints.utc(a.positionTime())).addString(a.geofenceId()).addValue(a.raw()));
    }
    return Upserts.run(conn, sql, List.copyOf(byKey.values()));
  }

  @Override
  public Future<Counts> positions(SqlConnection conn, List<VendorRows.Position> rows) {
    String sql = """
        INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, speed_kmh, direction, pos_type, acc,
          satellites, source, raw)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'poll', $10)
        ON CONFLICT (imei, gps_time) DO NOTHING
        RETURNING true AS inserted""";
    java.util.Map<String, Tuple> byKey = new java.util.LinkedHashMap<>();
    for (VendorRows.Position p : rows) {
      byKey.put(p.imei() + "|" + p.gpsTime(), Tuple.tuple().addString(p.imei())
          .addOffsetDateTime(Checkpoints.utc(p.gpsTime())).addDouble(p.lat()).addDouble(p.lng())
          .addDouble(p.speedKmh()).addInteger(p.direction()).addString(p.posType()).addBoolean(p.acc())
          .addInteger(p.satellites()).addValue(p.raw()));
    }
    return Upserts.run(conn, sql, List.copyOf(byKey.values()));
  }

  @Override
  public Future<Integer> quarantine(SqlConnection conn, String stream, List<Rejected> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> batch = new ArrayList<>();
    for (Rejected r : rows) {
      batch.add(Tuple.of(stream, r.reason(), r.detail(), r.imei(), r.item(), hash(r.item())));
    }
    return conn.preparedQuery("""
            INSERT INTO tracksolid.quarantine (stream, reason, detail, imei, item, item_hash)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (stream, reason, item_hash) DO NOTHING""")
        .executeBatch(batch).map(rs -> {
          int n = 0;
          for (var r = rs; r != null; r = r.next()) {
            n += r.rowCount();
          }
          return n;
        });
  }

  @Override
  public Future<Void> log(SqlClient client, RunRecord r) {
    return client.preparedQuery("""
            INSERT INTO tracksolid.ingestion_log (stream, account, run_kind, window_start, window_end, rows_fetched,
              rows_inserted, rows_updated, rows_rejected, started_at, finished_at, duration_ms, status, error,
              instance_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
        .execute(Tuple.tuple().addString(r.stream()).addString(r.account()).addString(r.runKind())
            .addOffsetDateTime(r.window() == null ? null : Checkpoints.utc(r.window().from()))
            .addOffsetDateTime(r.window() == null ? null : Checkpoints.utc(r.window().to()))
            .addInteger(r.counts().fetched()).addInteger(r.counts().inserted()).addInteger(r.counts().updated())
            .addInteger(r.counts().rejected()).addOffsetDateTime(Checkpoints.utc(r.startedAt()))
            .addOffsetDateTime(Checkpoints.utc(r.finishedAt()))
            .addLong(Math.max(0, r.durationMs()))
            .addString(r.status()).addString(r.error()).addString(r.instanceId()))
        .mapEmpty();
  }

  private static String hash(JsonObject item) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(item.encode().getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
