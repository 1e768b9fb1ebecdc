package io.fleet.ingest.ops;

import io.fleet.ingest.config.OpsConfig;
import io.fleet.ingest.store.IngestHealthSettingsWriter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings the configured health thresholds into {@code tracksolid.ingest_streams} and records the
 * first start (through the store's {@link IngestHealthSettingsWriter}), so the SQL function (and
 * the analysts' view) judge with the operator's values. The allow-list itself lives in the
 * migration; config can only tune streams it lists. It also records the accounts this deployment
 * polls into {@code tracksolid.ingest_accounts}: health judges the poll streams of exactly those,
 * so an account dropped from config stops counting at once and a webhook-only deployment (no
 * account, or POLL_ENABLED=false) has no poll streams to fail.
 */
final class IngestHealthSettings {
  private static final String STREAMS =
      "SELECT stream FROM tracksolid.ingest_streams ORDER BY stream";
  private static final IngestHealthSettingsWriter WRITER = new IngestHealthSettingsWriter();

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
              List<IngestHealthSettingsWriter.StreamThresholds> streams = new ArrayList<>();
              for (String stream : known) {
                OpsConfig.Thresholds t = config.thresholdsFor(stream);
                streams.add(
                    new IngestHealthSettingsWriter.StreamThresholds(
                        stream,
                        t.staleAfter(),
                        t.failingAfter(),
                        !config.requiredStreams().contains(stream)));
              }
              return pool.withTransaction(
                  conn ->
                      WRITER.write(
                          conn,
                          streams,
                          config.grace(),
                          config.window(),
                          polledAccounts,
                          clock.instant()));
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
