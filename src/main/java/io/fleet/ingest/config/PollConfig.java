package io.fleet.ingest.config;

import java.time.Duration;
import java.util.List;

/**
 * The scheduled pollers: how often each endpoint runs, how far back a first run reaches, how much
 * each window overlaps the last one, and how long recent data settles before it is asked for.
 */
public record PollConfig(
    boolean enabled,
    Duration alarmsInterval,
    Duration tripsInterval,
    Duration parkingInterval,
    Duration devicesInterval,
    Duration positionsInterval,
    Duration lookback,
    Duration overlap,
    Duration stopsOverlap,
    Duration settle,
    Duration slice,
    Duration leaseTtl,
    Duration geocodeWait,
    double disableMaxFraction,
    Duration reconcileInterval,
    Duration reconcileWindow) {

  private static final ValueParser<Duration> INTERVAL =
      ValueParser.duration(Duration.ofMillis(10), Duration.ofDays(1));

  public static final ConfigKey<Boolean> POLL_ENABLED =
      ConfigKey.of(
          "POLL_ENABLED",
          "true",
          "Run the scheduled pollers (alarms, trips, parking, devices, positions).",
          ValueParser.bool());
  public static final ConfigKey<Duration> POLL_INTERVAL_ALARMS =
      ConfigKey.of(
          "POLL_INTERVAL_ALARMS",
          "PT1M",
          "Pause between the end of one alarm poll and the start of the next (ISO-8601).",
          INTERVAL);
  public static final ConfigKey<Duration> POLL_INTERVAL_TRIPS =
      ConfigKey.of(
          "POLL_INTERVAL_TRIPS", "PT10M", "Pause between trip polls (ISO-8601).", INTERVAL);
  public static final ConfigKey<Duration> POLL_INTERVAL_PARKING =
      ConfigKey.of(
          "POLL_INTERVAL_PARKING",
          "PT10M",
          "Pause between parking and idling polls (ISO-8601).",
          INTERVAL);
  public static final ConfigKey<Duration> POLL_INTERVAL_DEVICES =
      ConfigKey.of(
          "POLL_INTERVAL_DEVICES", "PT1H", "Pause between device-list syncs (ISO-8601).", INTERVAL);
  public static final ConfigKey<Duration> POLL_INTERVAL_POSITIONS =
      ConfigKey.of(
          "POLL_INTERVAL_POSITIONS",
          "PT1M",
          "Pause between latest-position polls into position_history (ISO-8601).",
          INTERVAL);
  public static final ConfigKey<Duration> POLL_LOOKBACK =
      ConfigKey.of(
          "POLL_LOOKBACK",
          "P7D",
          "How far back a first poll reaches when nothing is stored yet for its account and endpoint (ISO-8601).",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(366)));
  public static final ConfigKey<Duration> POLL_OVERLAP =
      ConfigKey.of(
          "POLL_OVERLAP",
          "PT1H",
          "Each window starts this long before the checkpoint, to catch late vendor rows (ISO-8601).",
          ValueParser.duration(Duration.ZERO, Duration.ofDays(7)));
  public static final ConfigKey<Duration> POLL_OVERLAP_STOPS =
      ConfigKey.of(
          "POLL_OVERLAP_STOPS",
          "P1D",
          "Overlap for trips and parking, which the vendor reports only once they end: longer than the longest stop (ISO-8601).",
          ValueParser.duration(Duration.ZERO, Duration.ofDays(31)));
  public static final ConfigKey<Duration> POLL_SETTLE =
      ConfigKey.of(
          "POLL_SETTLE",
          "PT2M",
          "Each window ends this long before now, so rows still being written upstream are not asked for yet (ISO-8601).",
          ValueParser.duration(Duration.ZERO, Duration.ofDays(1)));
  public static final ConfigKey<Duration> POLL_SLICE =
      ConfigKey.of(
          "POLL_SLICE",
          "P1D",
          "Longest window fetched and committed as one unit; the checkpoint advances after each (ISO-8601, at most P31D).",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(31)));
  public static final ConfigKey<Duration> POLL_LEASE_TTL =
      ConfigKey.of(
          "POLL_LEASE_TTL",
          "PT5M",
          "Lease that keeps each (account, endpoint) job on one replica; renewed while held, taken over after a crash.",
          ValueParser.duration(Duration.ofSeconds(1), Duration.ofDays(7)));

  /** Trips and stops appear only when they end, so their windows reach back further. */
  public Duration overlapFor(String endpointKey) {
    return endpointKey.equals("trips") || endpointKey.equals("parking") ? stopsOverlap : overlap;
  }

  public static final ConfigKey<Duration> POLL_GEOCODE_WAIT =
      ConfigKey.of(
          "POLL_GEOCODE_WAIT",
          "PT5S",
          "Longest a trip or parking slice waits for addresses; the rest are stored without and filled by the geocode backfill.",
          ValueParser.duration(Duration.ZERO, Duration.ofMinutes(10)));
  public static final ConfigKey<Double> POLL_DISABLE_MAX_FRACTION =
      ConfigKey.of(
          "POLL_DISABLE_MAX_FRACTION",
          "0.5",
          "Device sync skips disabling when it would disable more than this share of active devices.",
          ValueParser.decimal(0.0, 1.0));

  // PT6H, not P1D: a stop or buffered alarm the main window missed is stored within a quarter day
  // (same-day reports stay right), at about 28 one-day slices per endpoint and account per day.
  public static final ConfigKey<Duration> POLL_RECONCILE_INTERVAL =
      ConfigKey.of(
          "POLL_RECONCILE_INTERVAL",
          "PT6H",
          "How often each account's alarms, trips and parking are re-polled over POLL_RECONCILE_WINDOW behind the checkpoint, for long stops and late alarms (ISO-8601).",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(31)));
  public static final ConfigKey<Duration> POLL_RECONCILE_WINDOW =
      ConfigKey.of(
          "POLL_RECONCILE_WINDOW",
          "P7D",
          "How far behind the checkpoint the reconcile pass re-polls: longer than the longest stop or tracker outage (ISO-8601).",
          ValueParser.duration(Duration.ofHours(1), Duration.ofDays(92)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          POLL_ENABLED,
          POLL_INTERVAL_ALARMS,
          POLL_INTERVAL_TRIPS,
          POLL_INTERVAL_PARKING,
          POLL_INTERVAL_DEVICES,
          POLL_INTERVAL_POSITIONS,
          POLL_LOOKBACK,
          POLL_OVERLAP,
          POLL_OVERLAP_STOPS,
          POLL_SETTLE,
          POLL_SLICE,
          POLL_LEASE_TTL,
          POLL_GEOCODE_WAIT,
          POLL_DISABLE_MAX_FRACTION,
          POLL_RECONCILE_INTERVAL,
          POLL_RECONCILE_WINDOW);

  public static PollConfig from(ConfigSource source) {
    return new PollConfig(
        source.get(POLL_ENABLED),
        source.get(POLL_INTERVAL_ALARMS),
        source.get(POLL_INTERVAL_TRIPS),
        source.get(POLL_INTERVAL_PARKING),
        source.get(POLL_INTERVAL_DEVICES),
        source.get(POLL_INTERVAL_POSITIONS),
        source.get(POLL_LOOKBACK),
        source.get(POLL_OVERLAP),
        source.get(POLL_OVERLAP_STOPS),
        source.get(POLL_SETTLE),
        source.get(POLL_SLICE),
        source.get(POLL_LEASE_TTL),
        source.get(POLL_GEOCODE_WAIT),
        source.get(POLL_DISABLE_MAX_FRACTION),
        source.get(POLL_RECONCILE_INTERVAL),
        source.get(POLL_RECONCILE_WINDOW));
  }
}
