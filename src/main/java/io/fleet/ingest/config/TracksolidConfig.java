package io.fleet.ingest.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Tracksolid OpenAPI accounts and how the client treats the vendor. Without TRACKSOLID_APP_KEY
 * (and no accounts file) the client is off: {@link #enabled()} is false and {@link
 * #disabledReason()} says why, so pollers stay off while the rest of the service runs.
 */
public record TracksolidConfig(
    List<TracksolidAccount> accounts,
    int maxInflight,
    int queueLimit,
    Duration connectTimeout,
    Duration requestTimeout,
    int retryAttempts,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    int tokenExpiresIn,
    Duration tokenMargin,
    int breakerThreshold,
    Duration breakerOpen) {

  public static final ConfigKey<URI> TRACKSOLID_BASE_URL =
      ConfigKey.of(
          "TRACKSOLID_BASE_URL",
          "https://hk-open.tracksolidpro.com/route/rest",
          "Tracksolid OpenAPI node of the account (HK, EU or US; the wrong node looks like a bad signature).",
          ValueParser.httpUrl());
  public static final ConfigKey<String> TRACKSOLID_APP_KEY =
      ConfigKey.of(
          "TRACKSOLID_APP_KEY",
          "",
          "App key issued by Jimi; unset (outside demo mode) leaves the pollers off.",
          ValueParser.text());
  public static final ConfigKey<String> TRACKSOLID_APP_SECRET =
      ConfigKey.secret(
          "TRACKSOLID_APP_SECRET",
          "App secret issued by Jimi; signs every request.",
          ValueParser.text());
  public static final ConfigKey<String> TRACKSOLID_USER_ID =
      ConfigKey.of(
          "TRACKSOLID_USER_ID",
          "",
          "Tracksolid user (account) the token is issued for.",
          ValueParser.text());
  public static final ConfigKey<String> TRACKSOLID_PASSWORD =
      ConfigKey.secret(
          "TRACKSOLID_PASSWORD",
          "Password of TRACKSOLID_USER_ID (or give TRACKSOLID_PASSWORD_MD5).",
          ValueParser.text());
  public static final ConfigKey<String> TRACKSOLID_PASSWORD_MD5 =
      ConfigKey.secret(
          "TRACKSOLID_PASSWORD_MD5",
          "Lower-case hex MD5 of the password, instead of TRACKSOLID_PASSWORD.",
          ValueParser.text());
  public static final ConfigKey<List<String>> TRACKSOLID_TARGETS =
      ConfigKey.of(
          "TRACKSOLID_TARGETS",
          "",
          "Comma list of the accounts whose devices are polled; empty means the user id.",
          ValueParser.list());
  public static final ConfigKey<String> TRACKSOLID_TRIPS_METHOD =
      ConfigKey.of(
          "TRACKSOLID_TRIPS_METHOD",
          "mileage",
          "Where trips come from: mileage (jimi.device.track.mileage) or report (jimi.open.platform.report.trips).",
          ValueParser.oneOf(TracksolidAccount.TRIPS_MILEAGE, TracksolidAccount.TRIPS_REPORT));
  public static final ConfigKey<Integer> TRACKSOLID_MAX_INFLIGHT =
      ConfigKey.of(
          "TRACKSOLID_MAX_INFLIGHT",
          "2",
          "Vendor calls in flight per account, across all replicas; more wait in a bounded queue.",
          ValueParser.integer(1, 64));
  public static final ConfigKey<Integer> TRACKSOLID_QUEUE_LIMIT =
      ConfigKey.of(
          "TRACKSOLID_QUEUE_LIMIT",
          "1000",
          "Calls that may wait for a slot per account before new ones are refused.",
          ValueParser.integer(1, 100000));
  public static final ConfigKey<String> TRACKSOLID_ACCOUNTS_FILE =
      ConfigKey.of(
          "TRACKSOLID_ACCOUNTS_FILE",
          "",
          "JSON file with more accounts: [{name,baseUrl,appKey,appSecret,userId,password|passwordMd5,targets,tripsMethod}].",
          ValueParser.text());
  public static final ConfigKey<Duration> TRACKSOLID_CONNECT_TIMEOUT =
      ConfigKey.of(
          "TRACKSOLID_CONNECT_TIMEOUT",
          "PT10S",
          "Connect timeout of a vendor call.",
          ValueParser.duration(Duration.ofMillis(1), Duration.ofMinutes(5)));
  public static final ConfigKey<Duration> TRACKSOLID_REQUEST_TIMEOUT =
      ConfigKey.of(
          "TRACKSOLID_REQUEST_TIMEOUT",
          "PT180S",
          "Whole-response timeout of a vendor call (track lists can take minutes).",
          ValueParser.duration(Duration.ofMillis(1), Duration.ofMinutes(30)));
  public static final ConfigKey<Integer> TRACKSOLID_RETRY_ATTEMPTS =
      ConfigKey.of(
          "TRACKSOLID_RETRY_ATTEMPTS",
          "5",
          "Attempts per call for retryable failures (1006, -1, 429, 5xx, timeouts, malformed JSON).",
          ValueParser.integer(1, 50));
  public static final ConfigKey<Duration> TRACKSOLID_RETRY_BASE_DELAY =
      ConfigKey.of(
          "TRACKSOLID_RETRY_BASE_DELAY",
          "PT1S",
          "First backoff ceiling; doubles per retry, with full jitter.",
          ValueParser.duration(Duration.ZERO, Duration.ofMinutes(10)));
  public static final ConfigKey<Duration> TRACKSOLID_RETRY_MAX_DELAY =
      ConfigKey.of(
          "TRACKSOLID_RETRY_MAX_DELAY",
          "PT60S",
          "Longest wait between attempts, Retry-After included.",
          ValueParser.duration(Duration.ZERO, Duration.ofHours(1)));
  public static final ConfigKey<Integer> TRACKSOLID_TOKEN_EXPIRES_IN =
      ConfigKey.of(
          "TRACKSOLID_TOKEN_EXPIRES_IN",
          "7200",
          "Token lifetime asked for at login, in seconds (vendor allows 60-7200).",
          ValueParser.integer(60, 7200));
  public static final ConfigKey<Duration> TRACKSOLID_TOKEN_MARGIN =
      ConfigKey.of(
          "TRACKSOLID_TOKEN_MARGIN",
          "PT5M",
          "Log in again this long before the token's expiresIn runs out.",
          ValueParser.duration(Duration.ZERO, Duration.ofHours(1)));
  public static final ConfigKey<Integer> TRACKSOLID_BREAKER_THRESHOLD =
      ConfigKey.of(
          "TRACKSOLID_BREAKER_THRESHOLD",
          "5",
          "Consecutive failed attempts that open an account's circuit.",
          ValueParser.integer(1, 1000));
  public static final ConfigKey<Duration> TRACKSOLID_BREAKER_OPEN =
      ConfigKey.of(
          "TRACKSOLID_BREAKER_OPEN",
          "PT60S",
          "How long an open circuit rejects calls before one probe is let through.",
          ValueParser.duration(Duration.ofMillis(1), Duration.ofHours(1)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          TRACKSOLID_BASE_URL,
          TRACKSOLID_APP_KEY,
          TRACKSOLID_APP_SECRET,
          TRACKSOLID_USER_ID,
          TRACKSOLID_PASSWORD,
          TRACKSOLID_PASSWORD_MD5,
          TRACKSOLID_TARGETS,
          TRACKSOLID_TRIPS_METHOD,
          TRACKSOLID_MAX_INFLIGHT,
          TRACKSOLID_QUEUE_LIMIT,
          TRACKSOLID_ACCOUNTS_FILE,
          TRACKSOLID_CONNECT_TIMEOUT,
          TRACKSOLID_REQUEST_TIMEOUT,
          TRACKSOLID_RETRY_ATTEMPTS,
          TRACKSOLID_RETRY_BASE_DELAY,
          TRACKSOLID_RETRY_MAX_DELAY,
          TRACKSOLID_TOKEN_EXPIRES_IN,
          TRACKSOLID_TOKEN_MARGIN,
          TRACKSOLID_BREAKER_THRESHOLD,
          TRACKSOLID_BREAKER_OPEN);

  public TracksolidConfig {
    accounts = List.copyOf(accounts);
  }

  public static TracksolidConfig from(ConfigSource source) {
    List<TracksolidAccount> accounts = new ArrayList<>();
    // Read even when no account uses it, so a bad value is reported rather than lying in wait.
    URI baseUrl = source.get(TRACKSOLID_BASE_URL);
    String tripsMethod = source.get(TRACKSOLID_TRIPS_METHOD);
    String appKey = source.get(TRACKSOLID_APP_KEY).trim();
    if (!appKey.isEmpty()) {
      envAccount(source, appKey, baseUrl, tripsMethod).ifPresent(accounts::add);
    }
    String file = source.get(TRACKSOLID_ACCOUNTS_FILE).trim();
    if (!file.isEmpty()) {
      accounts.addAll(AccountsFile.read(source, file, baseUrl, tripsMethod));
    }
    if (accounts.stream().map(TracksolidAccount::name).distinct().count() < accounts.size()) {
      source.problem(TRACKSOLID_ACCOUNTS_FILE, "account names must be unique");
    }
    return new TracksolidConfig(
        accounts,
        source.get(TRACKSOLID_MAX_INFLIGHT),
        source.get(TRACKSOLID_QUEUE_LIMIT),
        source.get(TRACKSOLID_CONNECT_TIMEOUT),
        source.get(TRACKSOLID_REQUEST_TIMEOUT),
        source.get(TRACKSOLID_RETRY_ATTEMPTS),
        source.get(TRACKSOLID_RETRY_BASE_DELAY),
        source.get(TRACKSOLID_RETRY_MAX_DELAY),
        source.get(TRACKSOLID_TOKEN_EXPIRES_IN),
        source.get(TRACKSOLID_TOKEN_MARGIN),
        source.get(TRACKSOLID_BREAKER_THRESHOLD),
        source.get(TRACKSOLID_BREAKER_OPEN));
  }

  /** True when at least one account is configured; pollers stay off otherwise. */
  public boolean enabled() {
    return !accounts.isEmpty();
  }

  /** The one warning to log when {@link #enabled()} is false. */
  public String disabledReason() {
    return enabled()
        ? ""
        : "TRACKSOLID_APP_KEY is not set (and no TRACKSOLID_ACCOUNTS_FILE): Tracksolid polling is"
            + " off; the webhook and the rest of the service still run. Set the TRACKSOLID_* variables or use --demo.";
  }

  /** The account named {@code name}, or the first (env-var) account for an empty name. */
  public Optional<TracksolidAccount> account(String name) {
    if (name == null || name.isEmpty()) {
      return accounts.stream().findFirst();
    }
    return accounts.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  private static Optional<TracksolidAccount> envAccount(
      ConfigSource source, String appKey, URI baseUrl, String tripsMethod) {
    String secret = source.get(TRACKSOLID_APP_SECRET).trim();
    String userId = source.get(TRACKSOLID_USER_ID).trim();
    String password = source.get(TRACKSOLID_PASSWORD);
    String md5 = source.get(TRACKSOLID_PASSWORD_MD5).trim().toLowerCase(java.util.Locale.ROOT);
    boolean ok = true;
    if (secret.isEmpty()) {
      source.problem(TRACKSOLID_APP_SECRET, "required when TRACKSOLID_APP_KEY is set");
      ok = false;
    }
    if (userId.isEmpty()) {
      source.problem(TRACKSOLID_USER_ID, "required when TRACKSOLID_APP_KEY is set");
      ok = false;
    }
    Optional<String> hash = passwordMd5(source, password, md5);
    if (hash.isEmpty()) {
      ok = false;
    }
    if (!ok) {
      return Optional.empty();
    }
    List<String> targets = source.get(TRACKSOLID_TARGETS);
    return Optional.of(
        new TracksolidAccount(
            userId,
            baseUrl,
            appKey,
            secret,
            userId,
            hash.get(),
            targets.isEmpty() ? List.of(userId) : targets,
            tripsMethod));
  }

  private static Optional<String> passwordMd5(ConfigSource source, String password, String md5) {
    boolean hasPassword = password != null && !password.isEmpty();
    if (hasPassword && !md5.isEmpty()) {
      source.problem(
          TRACKSOLID_PASSWORD_MD5,
          "set either TRACKSOLID_PASSWORD or TRACKSOLID_PASSWORD_MD5, not both");
      return Optional.empty();
    }
    if (hasPassword) {
      return Optional.of(TracksolidAccount.md5Hex(password));
    }
    if (md5.matches("[0-9a-f]{32}")) {
      return Optional.of(md5);
    }
    source.problem(
        md5.isEmpty() ? TRACKSOLID_PASSWORD : TRACKSOLID_PASSWORD_MD5,
        md5.isEmpty()
            ? "TRACKSOLID_PASSWORD or TRACKSOLID_PASSWORD_MD5 is required when TRACKSOLID_APP_KEY is set"
            : "must be 32 hex characters");
    return Optional.empty();
  }
}
