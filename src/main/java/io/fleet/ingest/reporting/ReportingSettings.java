package io.fleet.ingest.reporting;

import io.fleet.ingest.config.ReportingConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.ZoneOffset;

/**
 * Writes the configured reporting settings into {@code reporting.settings} at start, so the
 * rollups, views and functions judge with the operator's values. REPORTING_TIME_ZONE must be a zone
 * the database knows (pg_timezone_names), else the start fails naming the variable: Java and
 * PostgreSQL must split days at the same instants.
 */
public final class ReportingSettings {
  private static final String ZONE_KNOWN =
      "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known";
  private static final String UPDATE =
      """
      UPDATE reporting.settings SET
        time_zone = $1,
        rollup_window = $2::bigint * interval '1 second',
        overspeed_kmh = $3,
        overspeed_min_duration = $4::bigint * interval '1 second',
        excess_idle = $5::bigint * interval '1 second',
        used_min_distance_m = $6,
        planned_work = $7::bigint * interval '1 second',
        work_start = $8::bigint * interval '1 second',
        work_end = $9::bigint * interval '1 second',
        work_days = $10::smallint[],
        stale_after = $11::bigint * interval '1 second',
        offline_after = $12::bigint * interval '1 second',
        eu_daily_driving = $13::bigint * interval '1 second',
        eu_continuous_driving = $14::bigint * interval '1 second',
        eu_break = $15::bigint * interval '1 second',
        eu_daily_rest = $16::bigint * interval '1 second',
        updated_at = $17
      WHERE id""";

  private ReportingSettings() {}

  public static Future<Void> apply(Pool pool, Clock clock, ReportingConfig config) {
    String zone = config.timeZone().getId();
    return pool.preparedQuery(ZONE_KNOWN)
        .execute(Tuple.of(zone))
        .compose(
            rows -> {
              if (!rows.iterator().next().getBoolean("known")) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "REPORTING_TIME_ZONE: '"
                            + zone
                            + "' is not a time zone the database knows (pg_timezone_names); use an IANA name such as Africa/Nairobi"));
              }
              Short[] days =
                  config.workDays().stream()
                      .map(DayOfWeek::getValue)
                      .sorted()
                      .map(Integer::shortValue)
                      .toArray(Short[]::new);
              Tuple t =
                  Tuple.tuple()
                      .addString(zone)
                      .addLong(config.rollupWindow().toSeconds())
                      .addDouble(config.overspeedKmh())
                      .addLong(config.overspeedMinDuration().toSeconds())
                      .addLong(config.excessIdle().toSeconds())
                      .addDouble((double) config.usedMinDistanceM())
                      .addLong(config.plannedWork().toSeconds())
                      .addLong((long) config.workStart().toSecondOfDay())
                      .addLong((long) config.workEnd().toSecondOfDay())
                      .addArrayOfShort(days)
                      .addLong(config.staleAfter().toSeconds())
                      .addLong(config.offlineAfter().toSeconds())
                      .addLong(config.euDailyDriving().toSeconds())
                      .addLong(config.euContinuousDriving().toSeconds())
                      .addLong(config.euBreak().toSeconds())
                      .addLong(config.euDailyRest().toSeconds())
                      .addOffsetDateTime(clock.instant().atOffset(ZoneOffset.UTC));
              return pool.preparedQuery(UPDATE).execute(t).mapEmpty();
            });
  }
}
