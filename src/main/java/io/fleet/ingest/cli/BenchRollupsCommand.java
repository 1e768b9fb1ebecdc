package io.fleet.ingest.cli;

import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ReportingConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.EmbeddedDatabase;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.db.PoolFactory;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.reporting.ReportingSettings;
import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.FleetRecords.Position;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-rollups --devices N --months 1,12}: the reporting refresh tick over 1 and over 12
 * months of simulated history of the same fleet. Each history goes into its own embedded PostgreSQL
 * (loaded straight into the raw tables, see {@link FleetHistoryLoader}); then the refresh job's
 * tick runs at the end of the history: the first tick (the window's rows written), then steady
 * ticks (nothing new). A full rebuild of all history is timed for contrast.
 */
@Command(
    name = "bench-rollups",
    mixinStandardHelpOptions = true,
    description = "Benchmark the reporting refresh tick over 1 and 12 months of simulated history.")
public final class BenchRollupsCommand implements Callable<Integer> {

  @Option(
      names = "--devices",
      defaultValue = "10",
      description = "Simulated vehicles (default ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--months",
      defaultValue = "1,12",
      split = ",",
      description = "History lengths in months of 30 days (default ${DEFAULT-VALUE}).")
  int[] months;

  @Option(
      names = "--ticks",
      defaultValue = "5",
      description = "Steady ticks timed per history (default ${DEFAULT-VALUE}).")
  int ticks;

  @Option(
      names = "--zone",
      defaultValue = "Africa/Nairobi",
      description = "REPORTING_TIME_ZONE (default ${DEFAULT-VALUE}).")
  String zone;

  @Option(
      names = "--report",
      description = "Markdown file whose '## Reporting rollups' section is replaced.")
  Path report;

  record Result(
      int months,
      long positions,
      long trips,
      long loadMs,
      long firstTickMs,
      long steadyMedianMs,
      long steadyMaxMs,
      long windowRows,
      long rebuildMs,
      long totalRows) {}

  @Override
  public Integer call() throws Exception {
    List<Result> results = new ArrayList<>();
    for (int m : months) {
      results.add(run(m));
    }
    String table = render(results);
    System.out.println(table);
    if (report != null) {
      BenchReport.replaceSection(report, "Reporting rollups", section(table));
      System.out.println("written to " + report);
    }
    return 0;
  }

  private Result run(int monthsOfHistory) throws Exception {
    int days = monthsOfHistory * 30;
    Instant end = Instant.parse("2026-06-01T00:00:00Z");
    Instant start = end.minus(Duration.ofDays(days));
    Clock clock = Clock.fixed(end.plus(Duration.ofHours(6)), ZoneOffset.UTC);
    SyntheticFleet fleet =
        new SyntheticFleet(SimulatorOptions.defaults(clock).withFleet(42L, devices, days, start));
    Path dir = Files.createTempDirectory("bench-rollups");
    try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      DatabaseTarget db = pg.target();
      Migrator.migrate(db, Optional.empty(), Optional.empty());
      long t0 = System.nanoTime();
      long positions = 0;
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
        c.setAutoCommit(false);
        FleetHistoryLoader.devices(c, "bench", fleet.allDevices());
        FleetHistoryLoader.trips(c, "bench", fleet.trips(start, end));
        FleetHistoryLoader.stops(c, "bench", fleet.stops("off", start, end));
        FleetHistoryLoader.stops(c, "bench", fleet.stops("on", start, end));
        FleetHistoryLoader.alarms(c, "bench", fleet.alarms(start, end));
        for (Device d : fleet.allDevices()) {
          List<Position> p = fleet.positions(d.imei(), start, end);
          FleetHistoryLoader.positions(c, p);
          positions += p.size();
        }
        c.commit();
        try (Statement st = c.createStatement()) {
          c.setAutoCommit(true);
          st.execute("VACUUM ANALYZE");
        }
      }
      long loadMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      Vertx vertx = Vertx.vertx();
      Pool pool = PoolFactory.create(vertx, db, 2, "tracksolid_ingest");
      try {
        ReportingSettings.apply(
                pool,
                clock,
                ReportingConfig.from(new ConfigSource(Map.of("REPORTING_TIME_ZONE", zone))))
            .await();
        ReportingRefreshJob job =
            new ReportingRefreshJob(
                vertx,
                pool,
                clock,
                new Leases(pool, clock, "bench"),
                Duration.ofMinutes(15),
                new IngestMetrics(new SimpleMeterRegistry()));
        long first = timeTick(job);
        long[] steady = new long[ticks];
        for (int i = 0; i < ticks; i++) {
          steady[i] = timeTick(job);
        }
        Arrays.sort(steady);
        long windowRows = count(db, "SELECT count(*) FROM reporting.daily_vehicle_summary");
        long r0 = System.nanoTime();
        count(
            db,
            "SELECT reporting.rebuild_rollups(NULL, '"
                + clock.instant().atZone(java.time.ZoneId.of(zone)).toLocalDate()
                + "')");
        long rebuildMs = Duration.ofNanos(System.nanoTime() - r0).toMillis();
        long totalRows = count(db, "SELECT count(*) FROM reporting.daily_vehicle_summary");
        return new Result(
            monthsOfHistory,
            positions,
            fleet.trips(start, end).size(),
            loadMs,
            first,
            steady.length == 0 ? 0 : steady[steady.length / 2],
            steady.length == 0 ? 0 : steady[steady.length - 1],
            windowRows,
            rebuildMs,
            totalRows);
      } finally {
        pool.close().await();
        vertx.close().await();
      }
    }
  }

  private static long timeTick(ReportingRefreshJob job) {
    long t0 = System.nanoTime();
    List<ReportingRefreshJob.Outcome> outcomes = job.runOnce().await();
    for (ReportingRefreshJob.Outcome o : outcomes) {
      if (!o.ok()) {
        throw new IllegalStateException("tick failed: " + o.view() + ": " + o.error());
      }
    }
    return Duration.ofNanos(System.nanoTime() - t0).toMillis();
  }

  private static long count(DatabaseTarget db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String render(List<Result> results) {
    StringBuilder b =
        new StringBuilder(
            "| history | fixes | trips | first tick ms | steady tick ms (median / max) "
                + "| rows in window | full rebuild ms | rows after rebuild |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d month(s) | %d | %d | %d | %d / %d | %d | %d | %d |%n",
              r.months(),
              r.positions(),
              r.trips(),
              r.firstTickMs(),
              r.steadyMedianMs(),
              r.steadyMaxMs(),
              r.windowRows(),
              r.rebuildMs(),
              r.totalRows()));
    }
    return b.toString();
  }

  private String section(String table) {
    return String.format(
        Locale.ROOT,
        """
        Reproduce: `./mvnw -q -DskipTests package && LOG_LEVEL=WARN java -jar target/tracksolid-ingest.jar \
        bench-rollups --devices %d --months %s --report docs/reports/benchmarks.md`

        Measured %s on %d CPU(s), Java %s: the same %d simulated vehicles with 1 and 12 months of history
        (trips, parking and idling, alarms, one fix a minute while driving), loaded into a fresh embedded
        PostgreSQL 17 each, REPORTING_TIME_ZONE=%s, REPORTING_ROLLUP_WINDOW=P10D. A tick is one
        reporting.refresh_rollups call through the refresh job (daily_vehicle_summary, daily_alarm_counts,
        positions_15m table form): the first tick writes the window's rows, steady ticks find nothing changed.
        Tick cost follows the window, not the history; the full rebuild (reporting.rebuild_rollups() over all
        days) is shown for contrast and grows with the history.

        %s""",
        devices,
        String.join(",", Arrays.stream(months).mapToObj(Integer::toString).toList()),
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        devices,
        zone,
        table);
  }
}
