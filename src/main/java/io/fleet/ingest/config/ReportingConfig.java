package io.fleet.ingest.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reporting: the zone a reporting day is a calendar day in, how far back each refresh tick
 * recomputes the daily rollups, and the thresholds the reports judge with. The service writes them
 * into reporting.settings at every start; per-vehicle overrides live in reporting.vehicle_settings.
 */
public record ReportingConfig(
    ZoneId timeZone,
    Duration rollupWindow,
    double overspeedKmh,
    Duration overspeedMinDuration,
    Duration excessIdle,
    int usedMinDistanceM,
    Duration plannedWork,
    LocalTime workStart,
    LocalTime workEnd,
    Set<DayOfWeek> workDays,
    Duration staleAfter,
    Duration offlineAfter,
    Duration euDailyDriving,
    Duration euContinuousDriving,
    Duration euBreak,
    Duration euDailyRest) {

  /** Work window "HH:mm-HH:mm" in REPORTING_TIME_ZONE. */
  public record Window(LocalTime start, LocalTime end) {}

  private static final ValueParser<Duration> SHORT =
      ValueParser.duration(Duration.ZERO, Duration.ofDays(1));

  public static final ConfigKey<ZoneId> REPORTING_TIME_ZONE =
      ConfigKey.of(
          "REPORTING_TIME_ZONE",
          "UTC",
          "IANA zone a reporting day is a calendar day in (checked at start against pg_timezone_names); "
              + "after changing it run reporting.rebuild_rollups().",
          ValueParser.zone());
  public static final ConfigKey<Duration> REPORTING_ROLLUP_WINDOW =
      ConfigKey.of(
          "REPORTING_ROLLUP_WINDOW",
          "P10D",
          "Trailing local days each refresh tick recomputes in the daily rollups; keep it longer than "
              + "POLL_RECONCILE_WINDOW plus POLL_OVERLAP_STOPS.",
          ValueParser.duration(Duration.ofDays(1), Duration.ofDays(366)));
  public static final ConfigKey<Double> REPORTING_OVERSPEED_KMH =
      ConfigKey.of(
          "REPORTING_OVERSPEED_KMH",
          "90",
          "Speed limit of the overspeed episodes (reporting.vehicle_settings may override it per vehicle).",
          ValueParser.decimal(1, 400));
  public static final ConfigKey<Duration> REPORTING_OVERSPEED_MIN_DURATION =
      ConfigKey.of(
          "REPORTING_OVERSPEED_MIN_DURATION",
          "PT30S",
          "Shortest run of consecutive fixes over the limit that counts as an overspeed episode.",
          SHORT);
  public static final ConfigKey<Duration> REPORTING_EXCESS_IDLE =
      ConfigKey.of(
          "REPORTING_EXCESS_IDLE",
          "PT10M",
          "An idling stop longer than this is excess idle.",
          SHORT);
  public static final ConfigKey<Integer> REPORTING_USED_MIN_DISTANCE_M =
      ConfigKey.of(
          "REPORTING_USED_MIN_DISTANCE_M",
          "1000",
          "A vehicle is used on a day when it covers at least this many metres.",
          ValueParser.integer(0, 1_000_000));
  public static final ConfigKey<Duration> REPORTING_PLANNED_WORK =
      ConfigKey.of(
          "REPORTING_PLANNED_WORK",
          "PT8H",
          "Planned engine hours per working day, the base of utilisation by engine hours.",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(1)));
  public static final ConfigKey<Window> REPORTING_WORK_WINDOW =
      ConfigKey.of(
          "REPORTING_WORK_WINDOW",
          "07:00-19:00",
          "Working hours as HH:mm-HH:mm in REPORTING_TIME_ZONE; driving outside them is after-hours driving.",
          ReportingConfig::parseWindow);
  public static final ConfigKey<Set<DayOfWeek>> REPORTING_WORK_DAYS =
      ConfigKey.of(
          "REPORTING_WORK_DAYS",
          "MON,TUE,WED,THU,FRI",
          "Working days (MON..SUN, comma-separated); driving on other days is after-hours.",
          ReportingConfig::parseDays);
  public static final ConfigKey<Duration> REPORTING_STALE_AFTER =
      ConfigKey.of(
          "REPORTING_STALE_AFTER",
          "PT30M",
          "A vehicle that was moving or idling and has not been heard from for this long is stale.",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(7)));
  public static final ConfigKey<Duration> REPORTING_OFFLINE_AFTER =
      ConfigKey.of(
          "REPORTING_OFFLINE_AFTER",
          "PT24H",
          "A vehicle not heard from (fix or heartbeat) for this long is offline.",
          ValueParser.duration(Duration.ofMinutes(1), Duration.ofDays(90)));
  public static final ConfigKey<Duration> REPORTING_EU_DAILY_DRIVING =
      ConfigKey.of(
          "REPORTING_EU_DAILY_DRIVING",
          "PT9H",
          "EU 561/2006 daily driving limit of the driver clock.",
          SHORT);
  public static final ConfigKey<Duration> REPORTING_EU_CONTINUOUS_DRIVING =
      ConfigKey.of(
          "REPORTING_EU_CONTINUOUS_DRIVING",
          "PT4H30M",
          "EU 561/2006 driving limit before a break.",
          SHORT);
  public static final ConfigKey<Duration> REPORTING_EU_BREAK =
      ConfigKey.of(
          "REPORTING_EU_BREAK",
          "PT45M",
          "EU 561/2006 break that resets continuous driving.",
          SHORT);
  public static final ConfigKey<Duration> REPORTING_EU_DAILY_REST =
      ConfigKey.of(
          "REPORTING_EU_DAILY_REST",
          "PT11H",
          "EU 561/2006 regular daily rest before a shift.",
          SHORT);

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          REPORTING_TIME_ZONE,
          REPORTING_ROLLUP_WINDOW,
          REPORTING_OVERSPEED_KMH,
          REPORTING_OVERSPEED_MIN_DURATION,
          REPORTING_EXCESS_IDLE,
          REPORTING_USED_MIN_DISTANCE_M,
          REPORTING_PLANNED_WORK,
          REPORTING_WORK_WINDOW,
          REPORTING_WORK_DAYS,
          REPORTING_STALE_AFTER,
          REPORTING_OFFLINE_AFTER,
          REPORTING_EU_DAILY_DRIVING,
          REPORTING_EU_CONTINUOUS_DRIVING,
          REPORTING_EU_BREAK,
          REPORTING_EU_DAILY_REST);

  public static ReportingConfig from(ConfigSource source) {
    Window window = source.get(REPORTING_WORK_WINDOW);
    Duration stale = source.get(REPORTING_STALE_AFTER);
    Duration offline = source.get(REPORTING_OFFLINE_AFTER);
    if (stale != null && offline != null && offline.compareTo(stale) < 0) {
      source.problem(
          REPORTING_OFFLINE_AFTER,
          "must not be shorter than REPORTING_STALE_AFTER (" + stale + ")");
    }
    return new ReportingConfig(
        source.get(REPORTING_TIME_ZONE),
        source.get(REPORTING_ROLLUP_WINDOW),
        orZero(source.get(REPORTING_OVERSPEED_KMH)),
        source.get(REPORTING_OVERSPEED_MIN_DURATION),
        source.get(REPORTING_EXCESS_IDLE),
        orZero(source.get(REPORTING_USED_MIN_DISTANCE_M)),
        source.get(REPORTING_PLANNED_WORK),
        window == null ? null : window.start(),
        window == null ? null : window.end(),
        source.get(REPORTING_WORK_DAYS),
        stale,
        offline,
        source.get(REPORTING_EU_DAILY_DRIVING),
        source.get(REPORTING_EU_CONTINUOUS_DRIVING),
        source.get(REPORTING_EU_BREAK),
        source.get(REPORTING_EU_DAILY_REST));
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  // Trailing empty parts are dropped on purpose: "08:00-17:00-" has always been accepted.
  @SuppressWarnings("StringSplitter")
  static Window parseWindow(String raw) {
    String[] parts = raw.trim().split("-");
    try {
      if (parts.length == 2) {
        LocalTime start = LocalTime.parse(parts[0].trim());
        LocalTime end = LocalTime.parse(parts[1].trim());
        if (end.isAfter(start)) {
          return new Window(start, end);
        }
      }
    } catch (DateTimeParseException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "must be HH:mm-HH:mm with the end after the start, such as 07:00-19:00, got '" + raw + "'");
  }

  static Set<DayOfWeek> parseDays(String raw) {
    List<DayOfWeek> out = new ArrayList<>();
    for (String day : ValueParser.list().parse(raw)) {
      DayOfWeek match = null;
      for (DayOfWeek d : DayOfWeek.values()) {
        if (d.name().startsWith(day.toUpperCase(Locale.ROOT)) && day.length() >= 3) {
          match = d;
        }
      }
      if (match == null) {
        throw new IllegalArgumentException(
            "days are MON, TUE, WED, THU, FRI, SAT or SUN, got '" + day + "'");
      }
      out.add(match);
    }
    return out.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(out));
  }
}
