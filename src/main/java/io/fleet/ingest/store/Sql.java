package io.fleet.ingest.store;

import io.vertx.core.json.Json;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Binding and counting helpers shared by the writers (through {@link Columns} for batches). */
public final class Sql {
  // An escaped NUL that is not itself an escaped backslash followed by "u0000".
  private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

  private Sql() {}

  /** Longest quarantine detail stored: it describes the problem; the item itself is kept whole. */
  static final int MAX_DETAIL = 500;

  /**
   * Text for a text column: PostgreSQL refuses NUL in text (SQLSTATE 22021), which would roll back
   * the whole batch over one odd byte, so it is dropped. Every writer binds its strings through
   * here.
   */
  static String text(String value) {
    return value == null || value.indexOf('\0') < 0 ? value : value.replace("\0", "");
  }

  /** {@link #text} capped at {@link #MAX_DETAIL} characters, for free-form descriptions. */
  public static String detail(String value) {
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

  /**
   * JSON text jsonb accepts: PostgreSQL refuses an escaped NUL inside jsonb, so it becomes U+FFFD.
   */
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

  /**
   * One row per key, sorted by key: PostgreSQL refuses to upsert one row twice in a statement, and
   * two batches that share keys then lock them in the same order and cannot deadlock. {@code
   * lastWins} keeps the later of two repeats (a vendor page listing a row twice), else the first.
   */
  static <T> List<T> unique(Collection<T> rows, Comparator<? super T> keyOrder, boolean lastWins) {
    Map<T, T> unique = new TreeMap<>(keyOrder);
    for (T row : rows) {
      if (lastWins) {
        unique.put(row, row);
      } else {
        unique.putIfAbsent(row, row);
      }
    }
    return List.copyOf(unique.values());
  }

  /**
   * What an upsert ending in {@code RETURNING (xmax = 0) AS inserted} did to a batch of {@code
   * asked} rows: the rest (not rewritten, or repeats dropped by {@link #unique}) are unchanged.
   */
  static WriteResult counted(RowSet<Row> rows, int asked) {
    int[] iu = insertedUpdated(rows);
    return new WriteResult(iu[0], iu[1], asked - iu[0] - iu[1]);
  }
}
