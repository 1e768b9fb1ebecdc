package io.fleet.ingest.webhook;

import java.util.List;
import java.util.Locale;

/** Where a push's items go: alarms and fixes have typed tables, everything else is kept raw. */
enum PushKind {
  ALARM,
  GPS,
  LBS,
  RAW;

  /** IoT-Hub style paths, one per message type, plus the OpenAPI-style /push. */
  static final List<String> PATHS =
      List.of(
          "pushgps",
          "pushalarm",
          "pushevent",
          "pushhb",
          "pushlbs",
          "pushobd",
          "pushtripreport",
          "pushoil",
          "pushtem",
          "push");

  static PushKind of(String path, String msgType) {
    return switch (path) {
      case "pushalarm" -> ALARM;
      case "pushgps" -> GPS;
      case "pushlbs" -> LBS;
      case "push" -> ofMsgType(msgType);
      default -> RAW;
    };
  }

  /** OpenAPI names such as jimi.push.device.alarm; only the alarm one is documented. */
  private static PushKind ofMsgType(String msgType) {
    String t = msgType == null ? "" : msgType.toLowerCase(Locale.ROOT);
    if (t.contains("alarm")) {
      return ALARM;
    }
    if (t.contains("gps")) {
      return GPS;
    }
    if (t.contains("lbs")) {
      return LBS;
    }
    return RAW;
  }
}
