package io.fleet.ingest.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Jimi push receiver. Fail-closed: without a token it refuses to start unless running open is
 * asked for explicitly (or demo mode generates a token). The spool keeps acknowledged requests
 * while the database is away.
 */
public record WebhookConfig(
    Optional<String> token,
    boolean requireToken,
    int maxBodyBytes,
    Path spoolDir,
    long spoolMaxBytes,
    Duration replayInterval) {

  public static final ConfigKey<String> JIMI_WEBHOOK_TOKEN = ConfigKey.secret("JIMI_WEBHOOK_TOKEN",
      "Shared token Jimi sends with each push (token field, ?token=, X-Jimi-Token or Bearer header).",
      ValueParser.text());
  public static final ConfigKey<Boolean> WEBHOOK_REQUIRE_TOKEN = ConfigKey.of("WEBHOOK_REQUIRE_TOKEN", "true",
      "Refuse to start without JIMI_WEBHOOK_TOKEN; false runs the webhook open (logged as CRITICAL).",
      ValueParser.bool());
  public static final ConfigKey<Integer> WEBHOOK_MAX_BODY_BYTES = ConfigKey.of("WEBHOOK_MAX_BODY_BYTES", "1048576",
      "Largest push body accepted; larger gets 413.", ValueParser.integer(1024, 64 * 1024 * 1024));
  public static final ConfigKey<String> WEBHOOK_SPOOL_DIR = ConfigKey.of("WEBHOOK_SPOOL_DIR", "./data/spool",
      "Directory of the fsync'd spool that keeps acknowledged pushes while the database is unavailable.",
      ValueParser.nonEmptyText());
  public static final ConfigKey<Long> WEBHOOK_SPOOL_MAX_BYTES = ConfigKey.of("WEBHOOK_SPOOL_MAX_BYTES", "268435456",
      "Spool size limit in bytes; when full, pushes get 503 with Retry-After.",
      ValueParser.longInteger(1024, Long.MAX_VALUE / 2));
  public static final ConfigKey<Duration> WEBHOOK_SPOOL_REPLAY_INTERVAL = ConfigKey.of(
      "WEBHOOK_SPOOL_REPLAY_INTERVAL", "PT5S",
      "How often a non-empty spool checks the database and replays (ISO-8601).",
      ValueParser.duration(Duration.ofMillis(50), Duration.ofMinutes(10)));

  public static final List<ConfigKey<?>> KEYS = List.of(JIMI_WEBHOOK_TOKEN, WEBHOOK_REQUIRE_TOKEN,
      WEBHOOK_MAX_BODY_BYTES, WEBHOOK_SPOOL_DIR, WEBHOOK_SPOOL_MAX_BYTES, WEBHOOK_SPOOL_REPLAY_INTERVAL);

  /** In demo mode a missing token is not a problem: the webhook module generates one. */
  public static WebhookConfig from(ConfigSource source, boolean demo) {
    String raw = source.get(JIMI_WEBHOOK_TOKEN);
    Optional<String> token = raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
    boolean require = source.get(WEBHOOK_REQUIRE_TOKEN);
    if (require && token.isEmpty() && !demo) {
      source.problem(JIMI_WEBHOOK_TOKEN, "is empty but WEBHOOK_REQUIRE_TOKEN=true (the default): the webhook "
          + "will not run open. Set JIMI_WEBHOOK_TOKEN (or JIMI_WEBHOOK_TOKEN_FILE), or set "
          + "WEBHOOK_REQUIRE_TOKEN=false to accept unauthenticated pushes");
    }
    int maxBody = source.get(WEBHOOK_MAX_BODY_BYTES);
    long spoolMax = source.get(WEBHOOK_SPOOL_MAX_BYTES);
    if (spoolMax <= maxBody) {
      // A request the spool can never hold would get 503 on every retry while the database is away.
      source.problem(WEBHOOK_SPOOL_MAX_BYTES, "(" + spoolMax + ") must be larger than WEBHOOK_MAX_BODY_BYTES ("
          + maxBody + "), or a push of the largest accepted size could never be spooled");
    }
    return new WebhookConfig(token, require, maxBody, Path.of(source.get(WEBHOOK_SPOOL_DIR)), spoolMax,
        source.get(WEBHOOK_SPOOL_REPLAY_INTERVAL));
  }

  public WebhookConfig withToken(String newToken) {
    return new WebhookConfig(Optional.of(newToken), requireToken, maxBodyBytes, spoolDir, spoolMaxBytes,
        replayInterval);
  }

  @Override
  public String toString() {
    return "WebhookConfig[token=" + token.map(t -> "(set)").orElse("(unset)") + ", requireToken=" + requireToken
        + ", maxBodyBytes=" + maxBodyBytes + ", spoolDir=" + spoolDir + ", spoolMaxBytes=" + spoolMaxBytes + "]";
  }
}
