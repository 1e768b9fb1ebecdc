package io.fleet.ingest.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operations: where /metrics is served, how /health/ingest judges each stream, the daily purge and
 * the reporting refresh.
 *
 * <p>Health thresholds: every stream uses HEALTH_STALE_AFTER / HEALTH_FAILING_AFTER unless
 * HEALTH_THRESHOLDS names it (exactly, or by a prefix ending in {@code *}); an exact name beats a
 * prefix. The defaults follow the pollers' default intervals (alarms and positions every minute,
 * trips and parking every 10 minutes, devices hourly).
 */
public record OpsConfig(
    boolean metricsEnabled,
    Optional<Integer> metricsPort,
    String metricsHost,
    Optional<String> statusPassword,
    Duration staleAfter,
    Duration failingAfter,
    Map<String, Thresholds> thresholds,
    List<String> requiredStreams,
    Duration grace,
    Duration window,
    LocalTime purgeAt,
    ZoneId purgeZone,
    int ingestionLogRetentionDays,
    int refreshLogRetentionDays,
    int purgeBatchSize,
    Duration reportingRefreshInterval) {

  /** When a stream turns stale and when failing, measured from its last success. */
  public record Thresholds(Duration staleAfter, Duration failingAfter) {}

  public static final ConfigKey<Boolean> METRICS_ENABLED =
      ConfigKey.of(
          "METRICS_ENABLED",
          "true",
          "Serve Prometheus metrics at /metrics; false answers 404.",
          ValueParser.bool());
  public static final ConfigKey<String> METRICS_PORT =
      ConfigKey.of(
          "METRICS_PORT",
          "",
          "Port of the management server (/metrics and the status page at /); unset serves /metrics on HTTP_PORT and no status page (0 picks a free port).",
          ValueParser.text());
  public static final ConfigKey<String> METRICS_HOST =
      ConfigKey.of(
          "METRICS_HOST",
          "127.0.0.1",
          "Address the management server (metrics and status page) binds to (only with METRICS_PORT).",
          ValueParser.nonEmptyText());
  public static final ConfigKey<String> STATUS_PASSWORD =
      ConfigKey.secret(
          "STATUS_PASSWORD",
          "Password (HTTP Basic) of the status page when METRICS_HOST is not loopback; unset it is then refused.",
          ValueParser.text());
  public static final ConfigKey<Duration> HEALTH_STALE_AFTER =
      ConfigKey.of(
          "HEALTH_STALE_AFTER",
          "PT15M",
          "A stream without a successful run for this long is stale (default for streams not in HEALTH_THRESHOLDS).",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(30)));
  public static final ConfigKey<Duration> HEALTH_FAILING_AFTER =
      ConfigKey.of(
          "HEALTH_FAILING_AFTER",
          "PT1H",
          "A stream without a successful run for this long is failing (default for streams not in HEALTH_THRESHOLDS).",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(30)));
  public static final ConfigKey<Map<String, Thresholds>> HEALTH_THRESHOLDS =
      ConfigKey.of(
          "HEALTH_THRESHOLDS",
          "poll.trips=PT30M/PT2H,poll.parking=PT30M/PT2H,poll.devices=PT3H/PT6H",
          "Per-stream stale/failing thresholds as stream=STALE/FAILING, comma-separated; a name ending in * is a prefix.",
          OpsConfig::parseThresholds);
  public static final ConfigKey<List<String>> HEALTH_REQUIRED_STREAMS =
      ConfigKey.of(
          "HEALTH_REQUIRED_STREAMS",
          "poll.alarms,poll.trips,poll.parking,poll.devices,poll.positions",
          "Streams whose silence is a failure; the others (by default every webhook stream) are informational.",
          ValueParser.list());
  public static final ConfigKey<Duration> HEALTH_GRACE =
      ConfigKey.of(
          "HEALTH_GRACE",
          "PT30M",
          "After the first start on a database, streams not yet ok report grace instead of stale or failing.",
          ValueParser.duration(Duration.ZERO, Duration.ofDays(7)));
  public static final ConfigKey<Duration> HEALTH_WINDOW =
      ConfigKey.of(
          "HEALTH_WINDOW",
          "PT1H",
          "Window of the rows-in-window figure of /health/ingest.",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(7)));
  public static final ConfigKey<LocalTime> PURGE_AT =
      ConfigKey.of(
          "PURGE_AT",
          "02:30",
          "Time of day (HH:mm) of the daily purge of old log rows.",
          ValueParser.timeOfDay());
  public static final ConfigKey<ZoneId> PURGE_ZONE =
      ConfigKey.of("PURGE_ZONE", "UTC", "Time zone PURGE_AT is read in.", ValueParser.zone());
  public static final ConfigKey<Integer> INGESTION_LOG_RETENTION_DAYS =
      ConfigKey.of(
          "INGESTION_LOG_RETENTION_DAYS",
          "90",
          "The purge deletes tracksolid.ingestion_log rows older than this many days.",
          ValueParser.integer(1, 36_500));
  public static final ConfigKey<Integer> REFRESH_LOG_RETENTION_DAYS =
      ConfigKey.of(
          "REFRESH_LOG_RETENTION_DAYS",
          "180",
          "The purge deletes reporting.refresh_log rows older than this many days.",
          ValueParser.integer(1, 36_500));
  public static final ConfigKey<Integer> PURGE_BATCH_SIZE =
      ConfigKey.of(
          "PURGE_BATCH_SIZE",
          "5000",
          "Rows the purge deletes per statement, so no table is locked for long.",
          ValueParser.integer(1, 1_000_000));
  public static final ConfigKey<Duration> REPORTING_REFRESH_INTERVAL =
      ConfigKey.of(
          "REPORTING_REFRESH_INTERVAL",
          "PT15M",
          "How often the reporting rollups are brought up to date (also once at start).",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(1)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          METRICS_ENABLED,
          METRICS_PORT,
          METRICS_HOST,
          STATUS_PASSWORD,
          HEALTH_STALE_AFTER,
          HEALTH_FAILING_AFTER,
          HEALTH_THRESHOLDS,
          HEALTH_REQUIRED_STREAMS,
          HEALTH_GRACE,
          HEALTH_WINDOW,
          PURGE_AT,
          PURGE_ZONE,
          INGESTION_LOG_RETENTION_DAYS,
          REFRESH_LOG_RETENTION_DAYS,
          PURGE_BATCH_SIZE,
          REPORTING_REFRESH_INTERVAL);

  public static OpsConfig from(ConfigSource source) {
    String portText = source.get(METRICS_PORT).trim();
    Optional<Integer> port = Optional.empty();
    if (!portText.isEmpty()) {
      try {
        port = Optional.of(ValueParser.integer(0, 65535).parse(portText));
      } catch (IllegalArgumentException e) {
        source.problem(METRICS_PORT, e.getMessage());
      }
    }
    Duration stale = source.get(HEALTH_STALE_AFTER);
    Duration failing = source.get(HEALTH_FAILING_AFTER);
    if (stale != null && failing != null && failing.compareTo(stale) < 0) {
      source.problem(
          HEALTH_FAILING_AFTER, "must not be shorter than HEALTH_STALE_AFTER (" + stale + ")");
    }
    Map<String, Thresholds> thresholds = source.get(HEALTH_THRESHOLDS);
    List<String> required = source.get(HEALTH_REQUIRED_STREAMS);
    for (String stream : required) {
      if (!stream.matches("[a-z]+\\.[a-z0-9_]+")) {
        source.problem(
            HEALTH_REQUIRED_STREAMS, "'" + stream + "' is not a stream name such as poll.alarms");
      }
    }
    String statusPassword = source.get(STATUS_PASSWORD);
    return new OpsConfig(
        source.get(METRICS_ENABLED),
        port,
        source.get(METRICS_HOST),
        statusPassword == null || statusPassword.isEmpty()
            ? Optional.empty()
            : Optional.of(statusPassword),
        stale,
        failing,
        thresholds == null ? Map.of() : thresholds,
        required,
        source.get(HEALTH_GRACE),
        source.get(HEALTH_WINDOW),
        source.get(PURGE_AT),
        source.get(PURGE_ZONE),
        source.get(INGESTION_LOG_RETENTION_DAYS),
        source.get(REFRESH_LOG_RETENTION_DAYS),
        source.get(PURGE_BATCH_SIZE),
        source.get(REPORTING_REFRESH_INTERVAL));
  }

  /**
   * The thresholds that apply to {@code stream}: exact entry, else longest matching prefix, else
   * defaults.
   */
  public Thresholds thresholdsFor(String stream) {
    Thresholds exact = thresholds.get(stream);
    if (exact != null) {
      return exact;
    }
    String best = null;
    for (String key : thresholds.keySet()) {
      if (key.endsWith("*")
          && stream.startsWith(key.substring(0, key.length() - 1))
          && (best == null || key.length() > best.length())) {
        best = key;
      }
    }
    return best != null ? thresholds.get(best) : new Thresholds(staleAfter, failingAfter);
  }

  /** True when /metrics has its own server rather than the public router. */
  public boolean separateMetricsServer(int httpPort) {
    return metricsPort.isPresent() && !(metricsPort.get() != 0 && metricsPort.get() == httpPort);
  }

  static Map<String, Thresholds> parseThresholds(String raw) {
    Map<String, Thresholds> out = new LinkedHashMap<>();
    ValueParser<Duration> duration =
        ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(30));
    for (String entry : ValueParser.list().parse(raw)) {
      int eq = entry.indexOf('=');
      int slash = entry.indexOf('/', Math.max(eq, 0));
      if (eq <= 0 || slash < 0) {
        throw new IllegalArgumentException(
            "entries are stream=STALE/FAILING such as poll.alarms=PT15M/PT1H, got '" + entry + "'");
      }
      String stream = entry.substring(0, eq).trim();
      if (!stream.matches("[a-z]+(\\.[a-z0-9_]*)?\\*?")) {
        throw new IllegalArgumentException(
            "'" + stream + "' is not a stream name such as poll.alarms or webhook.*");
      }
      Duration stale = duration.parse(entry.substring(eq + 1, slash));
      Duration failing = duration.parse(entry.substring(slash + 1));
      if (failing.compareTo(stale) < 0) {
        throw new IllegalArgumentException(
            "failing threshold of " + stream + " is shorter than its stale threshold");
      }
      if (out.put(stream, new Thresholds(stale, failing)) != null) {
        throw new IllegalArgumentException(stream + " is listed twice");
      }
    }
    return Map.copyOf(out);
  }
}
