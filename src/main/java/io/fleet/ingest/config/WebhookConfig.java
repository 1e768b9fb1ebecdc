package io.fleet.ingest.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Jimi push receiver. Fail-closed: without a token it refuses to start unless running open is
 * asked for explicitly (or demo mode generates a token). The spool keeps acknowledged requests
 * while the database is away. The limits bound what an unauthenticated sender can make it do.
 */
public record WebhookConfig(
    Optional<String> token,
    Optional<String> previousToken,
    boolean requireToken,
    int maxBodyBytes,
    int maxItems,
    int maxDepth,
    long maxBytesInFlight,
    Duration requestTimeout,
    int batchMaxItems,
    long batchMaxBytes,
    int commitsInFlight,
    int queueMaxItems,
    Path spoolDir,
    long spoolMaxBytes,
    Duration replayInterval) {

  /** Shortest token accepted: long enough that guessing it is hopeless. */
  public static final int MIN_TOKEN_LENGTH = 24;

  public static final ConfigKey<String> JIMI_WEBHOOK_TOKEN =
      ConfigKey.secret(
          "JIMI_WEBHOOK_TOKEN",
          "Shared token Jimi sends with each push (token field, ?token=, X-Jimi-Token or Bearer header); "
              + "at least 24 characters.",
          ValueParser.text());
  public static final ConfigKey<String> JIMI_WEBHOOK_TOKEN_PREVIOUS =
      ConfigKey.secret(
          "JIMI_WEBHOOK_TOKEN_PREVIOUS",
          "The token being rotated out, accepted as well until it is removed.",
          ValueParser.text());
  public static final ConfigKey<Boolean> WEBHOOK_REQUIRE_TOKEN =
      ConfigKey.of(
          "WEBHOOK_REQUIRE_TOKEN",
          "true",
          "Refuse to start without JIMI_WEBHOOK_TOKEN; false runs the webhook open (logged as CRITICAL).",
          ValueParser.bool());
  public static final ConfigKey<Integer> WEBHOOK_MAX_BODY_BYTES =
      ConfigKey.of(
          "WEBHOOK_MAX_BODY_BYTES",
          "1048576",
          "Largest push body accepted; larger gets 413.",
          ValueParser.integer(1024, 64 * 1024 * 1024));
  public static final ConfigKey<Integer> WEBHOOK_MAX_ITEMS =
      ConfigKey.of(
          "WEBHOOK_MAX_ITEMS",
          "1000",
          "Most items one push may carry; more gets 413.",
          ValueParser.integer(1, 100_000));
  public static final ConfigKey<Integer> WEBHOOK_MAX_DEPTH =
      ConfigKey.of(
          "WEBHOOK_MAX_DEPTH",
          "16",
          "Deepest nesting of arrays and objects a push body may have; deeper gets 400.",
          ValueParser.integer(4, 256));
  public static final ConfigKey<Long> WEBHOOK_MAX_BYTES_IN_FLIGHT =
      ConfigKey.of(
          "WEBHOOK_MAX_BYTES_IN_FLIGHT",
          "67108864",
          "Total bytes of push bodies being received or processed at once; past it, 503 with Retry-After.",
          ValueParser.longInteger(1024, Long.MAX_VALUE / 2));
  public static final ConfigKey<Duration> WEBHOOK_REQUEST_TIMEOUT =
      ConfigKey.of(
          "WEBHOOK_REQUEST_TIMEOUT",
          "PT30S",
          "Longest a sender may take to deliver a push body; slower gets 408 and the connection is closed (ISO-8601).",
          ValueParser.duration(Duration.ofMillis(100), Duration.ofMinutes(10)));
  public static final ConfigKey<Integer> WEBHOOK_BATCH_MAX_ITEMS =
      ConfigKey.of(
          "WEBHOOK_BATCH_MAX_ITEMS",
          "1600",
          "Most items one group commit writes; more wait for the next. Short commits let the"
              + " commits in flight share the load instead of one large commit holding most requests.",
          ValueParser.integer(1, 1_000_000));
  public static final ConfigKey<Long> WEBHOOK_BATCH_MAX_BYTES =
      ConfigKey.of(
          "WEBHOOK_BATCH_MAX_BYTES",
          "8388608",
          "Most push body bytes one group commit writes; more wait for the next.",
          ValueParser.longInteger(1024, Long.MAX_VALUE / 2));
  public static final ConfigKey<Integer> WEBHOOK_COMMITS_IN_FLIGHT =
      ConfigKey.of(
          "WEBHOOK_COMMITS_IN_FLIGHT",
          "2",
          "Group commits running at once (each holds a pool connection; at most DATABASE_POOL_SIZE - 1 are used).",
          ValueParser.integer(1, 64));
  public static final ConfigKey<Integer> WEBHOOK_QUEUE_MAX_ITEMS =
      ConfigKey.of(
          "WEBHOOK_QUEUE_MAX_ITEMS",
          "20000",
          "Most pushed items waiting for a commit; past it, new pushes get 503 with Retry-After.",
          ValueParser.integer(1, 10_000_000));
  public static final ConfigKey<String> WEBHOOK_SPOOL_DIR =
      ConfigKey.of(
          "WEBHOOK_SPOOL_DIR",
          "./data/spool",
          "Directory of the fsync'd spool that keeps acknowledged pushes while the database is unavailable.",
          ValueParser.nonEmptyText());
  public static final ConfigKey<Long> WEBHOOK_SPOOL_MAX_BYTES =
      ConfigKey.of(
          "WEBHOOK_SPOOL_MAX_BYTES",
          "268435456",
          "Spool size limit in bytes; when full, pushes get 503 with Retry-After.",
          ValueParser.longInteger(1024, Long.MAX_VALUE / 2));
  public static final ConfigKey<Duration> WEBHOOK_SPOOL_REPLAY_INTERVAL =
      ConfigKey.of(
          "WEBHOOK_SPOOL_REPLAY_INTERVAL",
          "PT5S",
          "How often a non-empty spool checks the database and replays (ISO-8601).",
          ValueParser.duration(Duration.ofMillis(50), Duration.ofMinutes(10)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          JIMI_WEBHOOK_TOKEN,
          JIMI_WEBHOOK_TOKEN_PREVIOUS,
          WEBHOOK_REQUIRE_TOKEN,
          WEBHOOK_MAX_BODY_BYTES,
          WEBHOOK_MAX_ITEMS,
          WEBHOOK_MAX_DEPTH,
          WEBHOOK_MAX_BYTES_IN_FLIGHT,
          WEBHOOK_REQUEST_TIMEOUT,
          WEBHOOK_BATCH_MAX_ITEMS,
          WEBHOOK_BATCH_MAX_BYTES,
          WEBHOOK_COMMITS_IN_FLIGHT,
          WEBHOOK_QUEUE_MAX_ITEMS,
          WEBHOOK_SPOOL_DIR,
          WEBHOOK_SPOOL_MAX_BYTES,
          WEBHOOK_SPOOL_REPLAY_INTERVAL);

  /** In demo mode a missing token is not a problem: the webhook module generates one. */
  public static WebhookConfig from(ConfigSource source, boolean demo) {
    Optional<String> token = token(source, JIMI_WEBHOOK_TOKEN);
    Optional<String> previous = token(source, JIMI_WEBHOOK_TOKEN_PREVIOUS);
    boolean require = source.get(WEBHOOK_REQUIRE_TOKEN);
    if (require && token.isEmpty() && !demo) {
      source.problem(
          JIMI_WEBHOOK_TOKEN,
          "is empty but WEBHOOK_REQUIRE_TOKEN=true (the default): the webhook "
              + "will not run open. Set JIMI_WEBHOOK_TOKEN (or JIMI_WEBHOOK_TOKEN_FILE), or set "
              + "WEBHOOK_REQUIRE_TOKEN=false to accept unauthenticated pushes");
    }
    if (previous.isPresent() && token.isEmpty()) {
      source.problem(
          JIMI_WEBHOOK_TOKEN_PREVIOUS,
          "is set but JIMI_WEBHOOK_TOKEN is not: the previous token "
              + "is only accepted beside a current one");
    }
    int maxBody = source.get(WEBHOOK_MAX_BODY_BYTES);
    long spoolMax = source.get(WEBHOOK_SPOOL_MAX_BYTES);
    if (spoolMax <= maxBody) {
      // A request the spool can never hold would get 503 on every retry while the database is away.
      source.problem(
          WEBHOOK_SPOOL_MAX_BYTES,
          "("
              + spoolMax
              + ") must be larger than WEBHOOK_MAX_BODY_BYTES ("
              + maxBody
              + "), or a push of the largest accepted size could never be spooled");
    }
    long inFlight = source.get(WEBHOOK_MAX_BYTES_IN_FLIGHT);
    if (inFlight < maxBody) {
      source.problem(
          WEBHOOK_MAX_BYTES_IN_FLIGHT,
          "("
              + inFlight
              + ") must be at least WEBHOOK_MAX_BODY_BYTES ("
              + maxBody
              + "), or a push of the largest accepted size could never be taken");
    }
    return new WebhookConfig(
        token,
        previous,
        require,
        maxBody,
        source.get(WEBHOOK_MAX_ITEMS),
        source.get(WEBHOOK_MAX_DEPTH),
        inFlight,
        source.get(WEBHOOK_REQUEST_TIMEOUT),
        source.get(WEBHOOK_BATCH_MAX_ITEMS),
        source.get(WEBHOOK_BATCH_MAX_BYTES),
        source.get(WEBHOOK_COMMITS_IN_FLIGHT),
        source.get(WEBHOOK_QUEUE_MAX_ITEMS),
        Path.of(source.get(WEBHOOK_SPOOL_DIR)),
        spoolMax,
        source.get(WEBHOOK_SPOOL_REPLAY_INTERVAL));
  }

  /** The token, refused (naming the variable) when it is short enough to guess or a placeholder. */
  private static Optional<String> token(ConfigSource source, ConfigKey<String> key) {
    String raw = source.get(key);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String token = raw.strip();
    if (placeholder(token)) {
      source.problem(
          key, "looks like a placeholder, not a secret: generate one, e.g. `openssl rand -hex 24`");
    } else if (token.length() < MIN_TOKEN_LENGTH) {
      source.problem(
          key,
          "is "
              + token.length()
              + " characters long; use at least "
              + MIN_TOKEN_LENGTH
              + " random characters, e.g. `openssl rand -hex 24`");
    }
    return Optional.of(token);
  }

  static boolean placeholder(String token) {
    String t = token.toLowerCase(Locale.ROOT);
    return (t.startsWith("<") && t.endsWith(">"))
        || (t.startsWith("${") && t.endsWith("}"))
        || t.contains("changeme")
        || t.contains("change-me")
        || t.contains("change_me")
        || t.contains("placeholder")
        || t.contains("your-token")
        || t.contains("your_token")
        || t.chars().distinct().count() <= 2;
  }

  public WebhookConfig withToken(String newToken) {
    return new WebhookConfig(
        Optional.of(newToken),
        previousToken,
        requireToken,
        maxBodyBytes,
        maxItems,
        maxDepth,
        maxBytesInFlight,
        requestTimeout,
        batchMaxItems,
        batchMaxBytes,
        commitsInFlight,
        queueMaxItems,
        spoolDir,
        spoolMaxBytes,
        replayInterval);
  }

  @Override
  public String toString() {
    return "WebhookConfig[token="
        + token.map(t -> "(set)").orElse("(unset)")
        + ", previousToken="
        + previousToken.map(t -> "(set)").orElse("(unset)")
        + ", requireToken="
        + requireToken
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", maxItems="
        + maxItems
        + ", maxDepth="
        + maxDepth
        + ", maxBytesInFlight="
        + maxBytesInFlight
        + ", requestTimeout="
        + requestTimeout
        + ", batchMaxItems="
        + batchMaxItems
        + ", batchMaxBytes="
        + batchMaxBytes
        + ", commitsInFlight="
        + commitsInFlight
        + ", queueMaxItems="
        + queueMaxItems
        + ", spoolDir="
        + spoolDir
        + ", spoolMaxBytes="
        + spoolMaxBytes
        + "]";
  }
}
