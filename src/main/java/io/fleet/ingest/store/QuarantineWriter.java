package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes refused items to tracksolid.quarantine in ONE round trip per batch. An item already
 * quarantined for the same (stream, reason) (same canonical-JSON SHA-256) is skipped, so
 * re-deliveries and spool replays land once.
 *
 * <p>The write only reports what it did ({@link Result#newByStreamReason()}): it usually runs
 * inside the caller's transaction, so the run counts {@code tracksolid.quarantined{stream,reason}}
 * after the commit, and a rolled-back batch never shows there.
 */
public final class QuarantineWriter {
  private static final String INSERT =
      """
      INSERT INTO tracksolid.quarantine (stream, reason, detail, imei, item, item_hash)
      SELECT u.stream, u.reason, u.detail, u.imei, u.item::jsonb, u.item_hash
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS u(stream, reason, detail, imei, item, item_hash)
      ON CONFLICT (stream, reason, item_hash) DO NOTHING
      RETURNING stream, reason
      """;

  /**
   * What a write did: {@code inserted} new rows (per [stream, reason] in {@code newByStreamReason})
   * and {@code duplicates} already held.
   */
  public record Result(int inserted, int duplicates, Map<List<String>, Integer> newByStreamReason) {
    public static final Result NONE = new Result(0, 0, Map.of());

    public WriteResult asWriteResult() {
      return new WriteResult(inserted, 0, duplicates);
    }
  }

  private record Hashed(String hash, QuarantineItem item) {}

  private static final Columns<Hashed> COLUMNS =
      Columns.<Hashed>of()
          .text(h -> h.item().stream())
          .text(h -> h.item().reason())
          .text(h -> Sql.detail(h.item().detail()))
          .text(h -> h.item().imei())
          // Any JSON value, a JSON null included (stored as jsonb 'null', never as SQL NULL).
          .text(h -> Sql.jsonb(h.item().item()))
          .text(Hashed::hash);

  public Future<Result> write(SqlClient client, Collection<QuarantineItem> items) {
    if (items.isEmpty()) {
      return Future.succeededFuture(Result.NONE);
    }
    // Sorted by key, so two batches that share keys lock them in the same order and cannot
    // deadlock.
    List<Hashed> sorted =
        items.stream()
            .map(q -> new Hashed(q.itemHash(), q))
            .sorted(
                Comparator.comparing((Hashed h) -> h.item().stream())
                    .thenComparing(h -> h.item().reason())
                    .thenComparing(Hashed::hash))
            .toList();
    int n = sorted.size();
    return client
        .preparedQuery(INSERT)
        .execute(COLUMNS.bind(sorted))
        .map(
            rows -> {
              Map<List<String>, Integer> byKey =
                  new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
              int inserted = 0;
              for (Row row : rows) {
                byKey.merge(List.of(row.getString(0), row.getString(1)), 1, Integer::sum);
                inserted++;
              }
              return new Result(inserted, n - inserted, Map.copyOf(byKey));
            });
  }
}
