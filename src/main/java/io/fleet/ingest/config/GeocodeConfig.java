package io.fleet.ingest.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reverse geocoding through Nominatim: where, how fast, how politely, and how long answers are
 * kept. The public host's usage policy (one request per second for the whole application, an
 * identifying User-Agent with contact details) is enforced here, before anything starts.
 *
 * <p>Over 300 lines on purpose: one declaration per variable, each with its type, default, doc and
 * env name, beside the public-host checks that read them together.
 */
public record GeocodeConfig(
    boolean enabled,
    URI url,
    String userAgent,
    double ratePerSecond,
    int precision,
    int zoom,
    String acceptLanguage,
    Duration requestTimeout,
    Duration maxWait,
    int queueCapacity,
    int memoryCacheSize,
    Duration cacheTtl,
    Duration negativeCacheTtl,
    Duration blockPause,
    Duration blockPauseMax,
    Duration errorBackoff,
    Duration errorBackoffMax,
    Duration leaseTtl,
    Duration backfillInterval,
    int backfillBatch,
    Duration backfillLookback) {

  public static final String PUBLIC_HOST = "nominatim.openstreetmap.org";

  private static final Duration TINY = Duration.ofMillis(10);

  public static final ConfigKey<Boolean> GEOCODE_ENABLED =
      ConfigKey.of(
          "GEOCODE_ENABLED",
          "true",
          "Reverse-geocode trips, parking stops and alarms through Nominatim.",
          ValueParser.bool());
  public static final ConfigKey<URI> NOMINATIM_URL =
      ConfigKey.of(
          "NOMINATIM_URL",
          "https://" + PUBLIC_HOST,
          "Base URL of the Nominatim server (public host or a self-hosted one).",
          ValueParser.httpUrl());
  public static final ConfigKey<String> NOMINATIM_USER_AGENT =
      ConfigKey.of(
          "NOMINATIM_USER_AGENT",
          "",
          "Identifying User-Agent with contact, e.g. 'acme-fleet/1.0 (ops@acme.example)'; required for the public host.",
          ValueParser.text());
  public static final ConfigKey<Double> GEOCODE_RATE_PER_SECOND =
      ConfigKey.of(
          "GEOCODE_RATE_PER_SECOND",
          "1",
          "Nominatim requests per second for the whole deployment; at most 1 against the public host.",
          ValueParser.decimal(0.01, 1000));
  public static final ConfigKey<Integer> GEOCODE_PRECISION =
      ConfigKey.of(
          "GEOCODE_PRECISION",
          "4",
          "Decimals coordinates are rounded to for the cache key and the request (4 is about 11 m).",
          ValueParser.integer(1, 6));
  public static final ConfigKey<Integer> GEOCODE_ZOOM =
      ConfigKey.of(
          "GEOCODE_ZOOM",
          "18",
          "Nominatim zoom: 18 building, 17 street, 14 neighbourhood, 10 city.",
          ValueParser.integer(0, 18));
  public static final ConfigKey<String> GEOCODE_ACCEPT_LANGUAGE =
      ConfigKey.of(
          "GEOCODE_ACCEPT_LANGUAGE",
          "en",
          "Language of the addresses (accept-language); empty uses the local language of each place.",
          ValueParser.text());
  public static final ConfigKey<Duration> GEOCODE_TIMEOUT =
      ConfigKey.of(
          "GEOCODE_TIMEOUT",
          "PT10S",
          "Timeout of one Nominatim request.",
          ValueParser.duration(TINY, Duration.ofMinutes(2)));
  public static final ConfigKey<Duration> GEOCODE_MAX_WAIT =
      ConfigKey.of(
          "GEOCODE_MAX_WAIT",
          "PT30S",
          "Longest a fresh lookup waits for the lane; the row is then stored without address for the backfill.",
          ValueParser.duration(TINY, Duration.ofHours(1)));
  public static final ConfigKey<Integer> GEOCODE_QUEUE_CAPACITY =
      ConfigKey.of(
          "GEOCODE_QUEUE_CAPACITY",
          "1000",
          "Lookups the lane holds at most; beyond it fresh work displaces backfill, else is refused.",
          ValueParser.integer(1, 1_000_000));
  public static final ConfigKey<Integer> GEOCODE_CACHE_SIZE =
      ConfigKey.of(
          "GEOCODE_CACHE_SIZE",
          "10000",
          "Addresses kept in memory (the database cache has no size limit).",
          ValueParser.integer(0, 10_000_000));
  public static final ConfigKey<Duration> GEOCODE_CACHE_TTL =
      ConfigKey.of(
          "GEOCODE_CACHE_TTL",
          "P90D",
          "How long a found address is reused.",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(3650)));
  public static final ConfigKey<Duration> GEOCODE_NEGATIVE_CACHE_TTL =
      ConfigKey.of(
          "GEOCODE_NEGATIVE_CACHE_TTL",
          "P7D",
          "How long a 'no address here' answer is reused.",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(3650)));
  public static final ConfigKey<Duration> GEOCODE_BLOCK_PAUSE =
      ConfigKey.of(
          "GEOCODE_BLOCK_PAUSE",
          "PT5M",
          "Pause of the lane after a 429 or 403 from Nominatim; doubles on each repeat.",
          ValueParser.duration(TINY, Duration.ofDays(1)));
  public static final ConfigKey<Duration> GEOCODE_BLOCK_PAUSE_MAX =
      ConfigKey.of(
          "GEOCODE_BLOCK_PAUSE_MAX",
          "PT2H",
          "Longest pause after repeated 429 or 403 answers.",
          ValueParser.duration(TINY, Duration.ofDays(7)));
  public static final ConfigKey<Duration> GEOCODE_ERROR_BACKOFF =
      ConfigKey.of(
          "GEOCODE_ERROR_BACKOFF",
          "PT5S",
          "Wait after a 5xx, timeout or malformed answer; doubles on each repeat.",
          ValueParser.duration(TINY, Duration.ofHours(1)));
  public static final ConfigKey<Duration> GEOCODE_ERROR_BACKOFF_MAX =
      ConfigKey.of(
          "GEOCODE_ERROR_BACKOFF_MAX",
          "PT1M",
          "Longest wait after repeated server errors.",
          ValueParser.duration(TINY, Duration.ofHours(6)));
  public static final ConfigKey<Duration> GEOCODE_LEASE_TTL =
      ConfigKey.of(
          "GEOCODE_LEASE_TTL",
          "PT1M",
          "Lifetime of the 'geocoder' lease; only its holder calls Nominatim, renewed every third of it.",
          ValueParser.duration(Duration.ofSeconds(3), Duration.ofHours(1)));
  public static final ConfigKey<Duration> GEOCODE_BACKFILL_INTERVAL =
      ConfigKey.of(
          "GEOCODE_BACKFILL_INTERVAL",
          "PT5M",
          "How often rows stored without an address are looked up again.",
          ValueParser.duration(TINY, Duration.ofDays(1)));
  public static final ConfigKey<Integer> GEOCODE_BACKFILL_BATCH =
      ConfigKey.of(
          "GEOCODE_BACKFILL_BATCH",
          "50",
          "Rows per table the backfill job handles per run.",
          ValueParser.integer(1, 10_000));
  public static final ConfigKey<Duration> GEOCODE_BACKFILL_LOOKBACK =
      ConfigKey.of(
          "GEOCODE_BACKFILL_LOOKBACK",
          "P7D",
          "Only rows this recent are backfilled (the public host forbids bulk geocoding of history).",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(3650)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          GEOCODE_ENABLED,
          NOMINATIM_URL,
          NOMINATIM_USER_AGENT,
          GEOCODE_RATE_PER_SECOND,
          GEOCODE_PRECISION,
          GEOCODE_ZOOM,
          GEOCODE_ACCEPT_LANGUAGE,
          GEOCODE_TIMEOUT,
          GEOCODE_MAX_WAIT,
          GEOCODE_QUEUE_CAPACITY,
          GEOCODE_CACHE_SIZE,
          GEOCODE_CACHE_TTL,
          GEOCODE_NEGATIVE_CACHE_TTL,
          GEOCODE_BLOCK_PAUSE,
          GEOCODE_BLOCK_PAUSE_MAX,
          GEOCODE_ERROR_BACKOFF,
          GEOCODE_ERROR_BACKOFF_MAX,
          GEOCODE_LEASE_TTL,
          GEOCODE_BACKFILL_INTERVAL,
          GEOCODE_BACKFILL_BATCH,
          GEOCODE_BACKFILL_LOOKBACK);

  /** Stock library agents that Nominatim refuses (and that identify nobody). */
  private static final Pattern STOCK_AGENT =
      Pattern.compile(
          "(?i)^\\s*(java|vert\\.?x|python|python-requests|python-urllib|curl|wget|okhttp|apache-httpclient|"
              + "go-http-client|node-fetch|axios|libwww-perl|mozilla/5\\.0|geopy|reactor-netty)\\b.*");

  private static final Pattern CONTACT =
      Pattern.compile("[^\\s@()<>]+@[^\\s@()<>]+\\.[^\\s@()<>]+|https?://[^\\s()<>]+");

  /**
   * In demo mode the simulator supplies the URL later ({@link #withUrl}), so the public-host rules
   * are checked again by the module at start ({@link #publicHostProblem()}).
   */
  public static GeocodeConfig from(ConfigSource source, boolean demo) {
    boolean enabled = source.get(GEOCODE_ENABLED);
    URI url = source.get(NOMINATIM_URL);
    String agent = source.get(NOMINATIM_USER_AGENT).trim();
    double rate = source.get(GEOCODE_RATE_PER_SECOND);
    GeocodeConfig config =
        new GeocodeConfig(
            enabled,
            url,
            agent,
            rate,
            source.get(GEOCODE_PRECISION),
            source.get(GEOCODE_ZOOM),
            source.get(GEOCODE_ACCEPT_LANGUAGE).trim(),
            source.get(GEOCODE_TIMEOUT),
            source.get(GEOCODE_MAX_WAIT),
            source.get(GEOCODE_QUEUE_CAPACITY),
            source.get(GEOCODE_CACHE_SIZE),
            source.get(GEOCODE_CACHE_TTL),
            source.get(GEOCODE_NEGATIVE_CACHE_TTL),
            source.get(GEOCODE_BLOCK_PAUSE),
            source.get(GEOCODE_BLOCK_PAUSE_MAX),
            source.get(GEOCODE_ERROR_BACKOFF),
            source.get(GEOCODE_ERROR_BACKOFF_MAX),
            source.get(GEOCODE_LEASE_TTL),
            source.get(GEOCODE_BACKFILL_INTERVAL),
            source.get(GEOCODE_BACKFILL_BATCH),
            source.get(GEOCODE_BACKFILL_LOOKBACK));
    if (!agent.isEmpty() && STOCK_AGENT.matcher(agent).matches()) {
      source.problem(
          NOMINATIM_USER_AGENT,
          "a stock library User-Agent identifies nobody and Nominatim refuses it;"
              + " name the application and a contact, e.g. 'acme-fleet/1.0 (ops@acme.example)'");
    }
    boolean deferredToDemo = demo && !source.isSet(NOMINATIM_URL);
    if (enabled && !deferredToDemo && config.publicHost()) {
      if (!identifying(agent)) {
        source.problem(
            NOMINATIM_USER_AGENT,
            "the public Nominatim host needs an identifying User-Agent with contact"
                + " details, e.g. 'acme-fleet/1.0 (ops@acme.example)' (or set NOMINATIM_URL to a self-hosted server,"
                + " or GEOCODE_ENABLED=false)");
      }
      if (rate > 1.0) {
        source.problem(
            GEOCODE_RATE_PER_SECOND,
            "the public Nominatim host allows at most 1 request per second"
                + " for the whole application, got "
                + rate);
      }
    }
    return config;
  }

  public static GeocodeConfig from(ConfigSource source) {
    return from(source, false);
  }

  /** The simulator or a test points the geocoder elsewhere. */
  public GeocodeConfig withUrl(URI newUrl) {
    return new GeocodeConfig(
        enabled,
        newUrl,
        userAgent,
        ratePerSecond,
        precision,
        zoom,
        acceptLanguage,
        requestTimeout,
        maxWait,
        queueCapacity,
        memoryCacheSize,
        cacheTtl,
        negativeCacheTtl,
        blockPause,
        blockPauseMax,
        errorBackoff,
        errorBackoffMax,
        leaseTtl,
        backfillInterval,
        backfillBatch,
        backfillLookback);
  }

  public boolean publicHost() {
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    return host.equals(PUBLIC_HOST) || host.endsWith(".openstreetmap.org");
  }

  /** What the public host's policy forbids in this configuration, naming the variable. */
  public Optional<String> publicHostProblem() {
    if (!enabled || !publicHost()) {
      return Optional.empty();
    }
    if (!identifying(userAgent)) {
      return Optional.of(
          NOMINATIM_USER_AGENT.name()
              + ": the public Nominatim host needs an identifying"
              + " User-Agent with contact details");
    }
    if (ratePerSecond > 1.0) {
      return Optional.of(
          GEOCODE_RATE_PER_SECOND.name()
              + ": at most 1 request per second against the public host");
    }
    return Optional.empty();
  }

  /** The configured agent, or, for a self-hosted server only, one naming this software. */
  public String effectiveUserAgent() {
    return userAgent.isEmpty()
        ? "tracksolid-ingest/" + BuildInfo.version() + " (self-hosted Nominatim client)"
        : userAgent;
  }

  static boolean identifying(String agent) {
    return agent != null
        && !agent.isBlank()
        && !STOCK_AGENT.matcher(agent).matches()
        && CONTACT.matcher(agent).find();
  }
}
