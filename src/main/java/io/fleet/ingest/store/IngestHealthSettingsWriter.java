package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The one writer of what pipeline health judges with: the thresholds of the streams the migration
 * lists in tracksolid.ingest_streams (it never adds a stream), the grace and window in
 * tracksolid.ingest_health_settings with the first start, and the polled accounts in
 * tracksolid.ingest_accounts. Run at every start, in one transaction of the caller's.
 */
public final class IngestHealthSettingsWriter {
  private static final String UPDATE_STREAM =
      """
      UPDATE tracksolid.ingest_streams
         SET stale_after = $2::bigint * interval '1 millisecond',
             failing_after = $3::bigint * interval '1 millisecond',
             optional = $4
       WHERE stream = $1""";
  private static final String UPSERT_SETTINGS =
      """
      INSERT INTO tracksolid.ingest_health_settings (id, first_started_at, grace, rows_window, updated_at)
      VALUES (true, $1, $2::bigint * interval '1 millisecond', $3::bigint * interval '1 millisecond', $1)
      ON CONFLICT (id) DO UPDATE
        SET grace = EXCLUDED.grace, rows_window = EXCLUDED.rows_window, updated_at = EXCLUDED.updated_at""";

  /**
   * Rows stay for accounts no longer polled (active = false), so the table says what was dropped
   * and when.
   */
  private static final String RETIRE_ACCOUNTS =
      """
      UPDATE tracksolid.ingest_accounts SET active = false, updated_at = $1
       WHERE active AND NOT (account = ANY($2::text[]))""";

  private static final String UPSERT_ACCOUNT =
      """
      INSERT INTO tracksolid.ingest_accounts (account, active, updated_at) VALUES ($1, true, $2)
      ON CONFLICT (account) DO UPDATE SET active = true, updated_at = EXCLUDED.updated_at""";

  /** One stream's thresholds; an optional stream's silence is informational, never a failure. */
  public record StreamThresholds(
      String stream, Duration staleAfter, Duration failingAfter, boolean optional) {}

  /**
   * Writes the thresholds of {@code streams}, the grace and rows window (the first start is kept
   * from the first call), and marks exactly {@code polledAccounts} active.
   */
  public Future<Void> write(
      SqlClient conn,
      List<StreamThresholds> streams,
      Duration grace,
      Duration window,
      List<String> polledAccounts,
      Instant now) {
    var at = Sql.utc(now);
    List<Tuple> updates =
        streams.stream()
            .map(
                t ->
                    Tuple.of(
                        t.stream(),
                        t.staleAfter().toMillis(),
                        t.failingAfter().toMillis(),
                        t.optional()))
            .toList();
    return conn.preparedQuery(UPDATE_STREAM)
        .executeBatch(updates)
        .compose(
            v ->
                conn.preparedQuery(UPSERT_SETTINGS)
                    .execute(Tuple.of(at, grace.toMillis(), window.toMillis())))
        .compose(
            v ->
                conn.preparedQuery(RETIRE_ACCOUNTS)
                    .execute(
                        Tuple.tuple()
                            .addOffsetDateTime(at)
                            .addArrayOfString(polledAccounts.toArray(new String[0]))))
        .compose(
            v ->
                polledAccounts.isEmpty()
                    ? Future.succeededFuture()
                    : conn.preparedQuery(UPSERT_ACCOUNT)
                        .executeBatch(polledAccounts.stream().map(a -> Tuple.of(a, at)).toList()))
        .mapEmpty();
  }
}
