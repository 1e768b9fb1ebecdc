package io.fleet.ingest.ingest;

import io.vertx.core.json.Json;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/** Binding helpers shared by the writers. */
final class Sql {
  // An escaped NUL that is not itself an escaped backslash followed by "u0000".
  private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

  private Sql() {
  }

  /** Longest quarantine detail stored: it describes the problem; the item itself is kept whole. */
  static final int MAX_DETAIL = 500;

  /**
   * Text for a text column: PostgreSQL refuses NUL in text (SQLSTATE 22021), which would roll back
   * the whole batch over one odd byte, so it is dropped. Every writer binds its strings through here.
   */
  static String text(String value) {
    return value == null || value.indexOf('\0') < 0 ? value : value.replace("\0", "");
  }

  /** {@link #text} capped at {@link #MAX_DETAIL} characters, for free-form descriptions. */
  static String detail(String value) {
    String s = text(value);
    if (s == null || s.length() <= MAX_DETAIL) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(MAX_DETAIL - 2)) ? MAX_DETAIL - 2 : MAX_DETAIL - 1;
    return s.substring(0, end) + "\u2026";
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** JSON text jsonb accepts: PostgreSQL refuses an escaped NUL inside jsonb, so it becomes U+FFFD. */
  static String jsonb(Object value) {
    String json = Json.encode(value);
    return json.contains("\\u0000") ? NUL_ESCAPE.matcher(json).replaceAll("$1\\\\ufffd") : json;
  }

  /** Rows returned by {@code RETURNING (xmax = 0) AS inserted}: inserted vs updated. */
  static int[] insertedUpdated(RowSet<Row> rows) {
    int inserted = 0;
    int updated = 0;
    for (Row row : rows) {
      if (Boolean.TRUE.equals(row.getBoolean(0))) {
        inserted++;
      } else {
        updated++;
      }
    }
    return new int[] {inserted, updated};
  }
}
