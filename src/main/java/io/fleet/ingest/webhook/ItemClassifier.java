package io.fleet.ingest.webhook;

import io.fleet.ingest.ingest.Reason;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.RawPushMessage;
import io.fleet.ingest.store.Source;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * Judges each pushed item on its own: it becomes an alarm, a fix or a raw message, or goes to
 * quarantine with the reason it is unusable. One bad item never spoils its neighbours.
 */
final class ItemClassifier {
  // The reasons and limits are RowRules', the same on the poll side.
  private static final String NOT_AN_OBJECT = Reason.NOT_AN_OBJECT.code();
  private static final String MISSING_IMEI = Reason.MISSING_IMEI.code();
  private static final String MISSING_ALARM_TYPE = Reason.MISSING_ALARM_TYPE.code();
  private static final String INVALID_ALARM_TYPE = Reason.INVALID_ALARM_TYPE.code();
  private static final String INVALID_MSG_TYPE = Reason.INVALID_MSG_TYPE.code();

  private static final String[] IMEI = {"imei", "deviceImei", "device_imei", "IMEI"};

  private final RowRules rules;
  private final ItemChecks checks;
  private final int maxDepth;

  ItemClassifier(TimestampGuard guard, int maxDepth) {
    this.rules = new RowRules(guard);
    this.checks = new ItemChecks(guard);
    this.maxDepth = maxDepth;
  }

  PushBatch classify(PushRequest request) {
    PushBatch batch = PushBatch.empty();
    PushKind kind = PushKind.of(request.path(), request.msgType());
    String stream = request.stream();
    // Judged as of receipt: a replay hours later must not turn a refused future time into a fix.
    Instant now = request.receivedAt();
    String badMsgType =
        kind == PushKind.RAW || request.path().equals("push")
            ? RowRules.invalidMsgType(request.msgType())
            : null;
    for (Object value : request.items()) {
      JsonObject item = asObject(value, maxDepth);
      if (item == null) {
        batch
            .quarantine()
            .add(
                new QuarantineItem(
                    stream,
                    NOT_AN_OBJECT,
                    "item is not a JSON object",
                    null,
                    value == null ? "null" : value));
        continue;
      }
      if (badMsgType != null) {
        batch
            .quarantine()
            .add(new QuarantineItem(stream, INVALID_MSG_TYPE, badMsgType, null, item));
        continue;
      }
      switch (kind) {
        case ALARM -> alarm(stream, item, batch, now);
        case GPS -> position(stream, item, "GPS", batch, false, now);
        case LBS -> position(stream, item, "LBS", batch, true, now);
        case RAW -> raw(stream, request.msgType(), item, batch, now);
        default -> throw new IllegalStateException(kind.name());
      }
    }
    return batch;
  }

  private void alarm(String stream, JsonObject original, PushBatch batch, Instant now) {
    // IoT-Hub alarms wrap the alarm in msg{...}; the envelope adds gateTime and msgClass.
    JsonObject item = original;
    JsonObject msg = asObject(original.getValue("msg"), maxDepth);
    if (msg != null) {
      item = original.copy();
      item.remove("msg");
      item.mergeIn(msg);
    }
    Optional<String> imei = Lenient.text(item, IMEI);
    if (imei.isEmpty()) {
      batch
          .quarantine()
          .add(new QuarantineItem(stream, MISSING_IMEI, "no imei or deviceImei", null, original));
      return;
    }
    if (ItemChecks.badImei(stream, imei.get(), original, batch)) {
      return;
    }
    Optional<String> type =
        Lenient.text(item, "alarmType", "alertTypeId", "alertType", "alarmCode");
    if (type.isEmpty()) {
      batch
          .quarantine()
          .add(
              new QuarantineItem(
                  stream, MISSING_ALARM_TYPE, "no alarmType or alertTypeId", imei.get(), original));
      return;
    }
    String badType = RowRules.invalidAlarmType(type.get());
    if (badType != null) {
      batch
          .quarantine()
          .add(new QuarantineItem(stream, INVALID_ALARM_TYPE, badType, imei.get(), original));
      return;
    }
    Instant time =
        checks.guardedTime(
            stream, imei.get(), original, item, batch, now, "alarmTime", "alertTime");
    if (time == null) {
      return;
    }
    Double lat =
        Lenient.decimal(item, "lat", "latitude").filter(v -> Math.abs(v) <= 90).orElse(null);
    Double lng =
        Lenient.decimal(item, "lng", "lon", "longitude")
            .filter(v -> Math.abs(v) <= 180)
            .orElse(null);
    Instant positionTime =
        Lenient.timeValue(item, "positioningTime", "gpsTime") instanceof Lenient.Parsed p
            ? p.instant()
            : null;
    ItemChecks.accept(
        stream,
        batch,
        batch.alarms(),
        rules.alarm(
            new AlarmRecord(
                imei.get(),
                type.get(),
                time,
                Lenient.text(item, "alarmName", "alarmTypeName", "alertName").orElse(null),
                Lenient.text(item, "deviceName").orElse(null),
                Lenient.text(item, "account").orElse(null),
                lat,
                lng,
                Lenient.decimal(item, "speed", "gpsSpeed").orElse(null),
                positionTime,
                Lenient.text(item, "geoid", "geofenceId", "fenceId").orElse(null),
                Lenient.text(item, "address", "addr").orElse(null),
                original),
            now),
        original);
  }

  private void position(
      String stream,
      JsonObject item,
      String defaultPosType,
      PushBatch batch,
      boolean lbs,
      Instant now) {
    Optional<Double> lat = Lenient.decimal(item, "lat", "latitude");
    Optional<Double> lng = Lenient.decimal(item, "lng", "lon", "longitude");
    if (lbs && lat.isEmpty() && lng.isEmpty()) {
      // A cell report without a resolved position is still data: keep it whole.
      raw(stream, "pushlbs", item, batch, now);
      return;
    }
    Optional<String> imei = Lenient.text(item, IMEI);
    if (imei.isEmpty()) {
      batch
          .quarantine()
          .add(new QuarantineItem(stream, MISSING_IMEI, "no imei or deviceImei", null, item));
      return;
    }
    if (ItemChecks.badImei(stream, imei.get(), item, batch)) {
      return;
    }
    Instant time =
        lbs
            ? checks.guardedTime(
                stream,
                imei.get(),
                item,
                item,
                batch,
                now,
                "gpsTime",
                "lbsTime",
                "gateTime",
                "time")
            : checks.guardedTime(
                stream,
                imei.get(),
                item,
                item,
                batch,
                now,
                "gpsTime",
                "gps_time",
                "positioningTime",
                "time");
    if (time == null) {
      return;
    }
    ItemChecks.accept(
        stream,
        batch,
        batch.positions(),
        rules.position(
            new PositionRecord(
                imei.get(),
                time,
                lat.orElse(null),
                lng.orElse(null),
                Lenient.decimal(item, "gpsSpeed", "speed").orElse(null),
                Lenient.rounded(item, "direction", "course").orElse(null),
                Lenient.text(item, "posType", "postType").orElse(defaultPosType),
                Lenient.flag(item, "acc", "accStatus").orElse(null),
                Lenient.rounded(item, "satelliteNum", "gpsNum", "satellites").orElse(null),
                Source.PUSH,
                item),
            now),
        item);
  }

  private void raw(String stream, String msgType, JsonObject item, PushBatch batch, Instant now) {
    String imei = Lenient.text(item, IMEI).orElse(null);
    if (imei != null && ItemChecks.badImei(stream, imei, item, batch)) {
      return;
    }
    Instant time = null;
    Lenient.TimeValue t =
        Lenient.timeValue(item, "gateTime", "gpsTime", "eventTime", "time", "createTime");
    if (t instanceof Lenient.Parsed p) {
      if (checks.refusedTime(stream, imei, p.instant(), item, batch, now)) {
        return;
      }
      time = p.instant();
    }
    // An odd time format on an untyped message is not a reason to refuse it; it stays in the item.
    batch.raw().add(new RawPushMessage(msgType, imei, time, item));
  }

  /**
   * An object, or a JSON string holding one (some senders double-encode each item); a string that
   * nests deeper than {@code maxDepth} is not decoded at all.
   */
  static JsonObject asObject(Object value, int maxDepth) {
    if (value instanceof JsonObject o) {
      return o;
    }
    if (value instanceof java.util.Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> map = (java.util.Map<String, Object>) m;
      return new JsonObject(map);
    }
    if (value instanceof String s && s.trim().startsWith("{") && !JsonDepth.exceeds(s, maxDepth)) {
      try {
        return new JsonObject(s);
      } catch (DecodeException e) {
        return null;
      }
    }
    return null;
  }
}
