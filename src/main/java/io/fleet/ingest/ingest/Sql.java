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
