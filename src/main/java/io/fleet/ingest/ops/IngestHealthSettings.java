package io.fleet.ingest.ops;

import io.fleet.ingest.config.OpsConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the configured health thresholds into {@code tracksolid.ingest_streams} and records the
 * first start, so the SQL function (and the analysts' view) judge with the operator's values. The
 * allow-list itself lives in the migration; config can only tune streams it lists. It also writes
 * the accounts this deployment polls into {@code tracksolid.ingest_accounts}: health judges the
 * poll streams of exactly those, so an account dropped from config stops counting at once and a
 * webhook-only deployment (no account, or POLL_ENABLED=false) has no poll streams to fail.
 */
final class IngestHealthSettings {
  private static final String STREAMS =
      "SELECT stream FROM tracksolid.ingest_streams ORDER BY stream";
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

  private IngestHealthSettings() {}

  /**
   * @param polledAccounts names of the Tracksolid accounts the pollers run for; empty when polling
   *     is off or no account is configured
   */
  static Future<Void> apply(Pool pool, Clock clock, OpsConfig config, List<String> polledAccounts) {
    return pool.query(STREAMS)
        .execute()
        .compose(
            rows -> {
              Set<String> known = new HashSet<>();
              rows.forEach(r -> known.add(r.getString("stream")));
              String problem = unknownNames(config, known);
              if (problem != null) {
                return Future.failedFuture(new IllegalStateException(problem));
              }
              List<Tuple> updates = new ArrayList<>();
              for (String stream : known) {
                OpsConfig.Thresholds t = config.thresholdsFor(stream);
                updates.add(
                    Tuple.of(
                        stream,
                        t.staleAfter().toMillis(),
                        t.failingAfter().toMillis(),
                        !config.requiredStreams().contains(stream)));
              }
              var now = clock.instant().atOffset(ZoneOffset.UTC);
              return pool.withTransaction(
                      conn ->
                          conn.preparedQuery(UPDATE_STREAM)
                              .executeBatch(updates)
                              .compose(
                                  v ->
                                      conn.preparedQuery(UPSERT_SETTINGS)
                                          .execute(
                                              Tuple.of(
                                                  now,
                                                  config.grace().toMillis(),
                                                  config.window().toMillis())))
                              .compose(
                                  v ->
                                      conn.preparedQuery(RETIRE_ACCOUNTS)
                                          .execute(
                                              Tuple.tuple()
                                                  .addOffsetDateTime(now)
                                                  .addArrayOfString(
                                                      polledAccounts.toArray(new String[0]))))
                              .compose(
                                  v ->
                                      polledAccounts.isEmpty()
                                          ? Future.succeededFuture()
                                          : conn.preparedQuery(UPSERT_ACCOUNT)
                                              .executeBatch(
                                                  polledAccounts.stream()
                                                      .map(a -> Tuple.of(a, now))
                                                      .toList())))
                  .mapEmpty();
            });
  }

  /** A typo in a stream name would silently leave a stream on defaults, so it stops startup. */
  private static String unknownNames(OpsConfig config, Set<String> known) {
    for (String key : config.thresholds().keySet()) {
      boolean matches =
          key.endsWith("*")
              ? known.stream().anyMatch(s -> s.startsWith(key.substring(0, key.length() - 1)))
              : known.contains(key);
      if (!matches) {
        return "HEALTH_THRESHOLDS: '"
            + key
            + "' matches no pipeline stream; known: "
            + known.stream().sorted().toList();
      }
    }
    for (String stream : config.requiredStreams()) {
      if (!known.contains(stream)) {
        return "HEALTH_REQUIRED_STREAMS: '"
            + stream
            + "' is no pipeline stream; known: "
            + known.stream().sorted().toList();
      }
    }
    return null;
  }
}
