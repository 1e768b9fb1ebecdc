package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.Source;
import io.vertx.core.json.JsonObject;

/**
 * A polled fix as the store's {@link PositionRecord} (source POLL): a device's latest from {@code
 * jimi.user.device.location.list}, or one of {@code jimi.device.track.list}. The location list's
 * heartbeat time and online flag stay in {@code raw}.
 */
final class PositionParser {
  private PositionParser() {}

  static PositionRecord fromLocation(JsonObject item) {
    return new PositionRecord(
        Lenient.text(item, "imei").orElse(null),
        Lenient.time(item, "gpsTime").orElse(null),
        Lenient.decimal(item, "lat").orElse(null),
        Lenient.decimal(item, "lng").orElse(null),
        Lenient.decimal(item, "speed").orElse(null),
        Lenient.integer(item, "direction").orElse(null),
        Lenient.text(item, "posType").orElse(null),
        Lenient.flag(item, "accStatus").orElse(null),
        Lenient.integer(item, "gpsNum").orElse(null),
        Source.POLL,
        item);
  }

  /** A track fix of {@code imei}, which stands in when the item names none. */
  static PositionRecord fromTrack(JsonObject item, String imei) {
    return new PositionRecord(
        Lenient.text(item, "imei").orElse(imei),
        Lenient.time(item, "gpsTime").orElse(null),
        Lenient.decimal(item, "lat").orElse(null),
        Lenient.decimal(item, "lng").orElse(null),
        Lenient.decimal(item, "gpsSpeed", "speed").filter(s -> s >= 0).orElse(null),
        Lenient.integer(item, "direction").orElse(null),
        trackPosType(Lenient.text(item, "posType").orElse(null)),
        Lenient.flag(item, "accStatus", "ignition").orElse(null),
        Lenient.integer(item, "satellite").orElse(null),
        Source.POLL,
        item);
  }

  /** The natural key (imei, gps time) as text. */
  static String key(PositionRecord fix) {
    return Piece.key(fix.raw(), fix.imei(), fix.gpsTime());
  }

  /** track.list numbers the position type (1 GPS, 2 LBS, 3 WIFI); the location list spells it. */
  private static String trackPosType(String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "1" -> "GPS";
      case "2" -> "LBS";
      case "3" -> "WIFI";
      default -> raw;
    };
  }
}
