package io.fleet.ingest.ingest;

import java.util.Arrays;
import java.util.List;

/**
 * Why an item went to tracksolid.quarantine instead of its table: the same words on every path
 * (webhook, every poll kind, device sync, positions poll, reconcile, backfill, spool replay), so a
 * bad row pushed and polled ends with one reason. {@link #code()} is what the quarantine's {@code
 * reason} column and the {@code tracksolid_quarantined_total} counter carry.
 */
public enum Reason {
  NOT_AN_OBJECT("not_an_object"),
  MISSING_IMEI("missing_imei"),
  INVALID_IMEI("invalid_imei"),
  MISSING_ALARM_TYPE("missing_alarm_type"),
  INVALID_ALARM_TYPE("invalid_alarm_type"),
  INVALID_MSG_TYPE("invalid_msg_type"),
  MISSING_TIME("missing_time"),
  UNPARSEABLE_TIME("unparseable_time"),
  BEFORE_EPOCH(TimestampGuard.BEFORE_EPOCH),
  TOO_FAR_IN_FUTURE(TimestampGuard.TOO_FAR_IN_FUTURE),
  BAD_COORDINATES("bad_coordinates"),
  /** Passed every rule here, and PostgreSQL still refused it: its SQLSTATE is in the detail. */
  REFUSED_BY_DATABASE("refused_by_database");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** Every code, so counters can be exported at zero from the start. */
  public static List<String> codes() {
    return Arrays.stream(values()).map(Reason::code).toList();
  }

  /** The reason a guard's answer names (before_epoch, too_far_in_future). */
  static Reason ofCode(String code) {
    for (Reason r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no reason " + code);
  }
}
