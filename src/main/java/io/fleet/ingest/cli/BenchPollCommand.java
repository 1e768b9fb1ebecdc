package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.geocode.GeocodeModule;
import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.poll.Backfill;
import io.fleet.ingest.poll.Endpoint;
import io.fleet.ingest.poll.FleetSource;
import io.fleet.ingest.poll.PollRunner;
import io.fleet.ingest.poll.PollWiring;
import io.fleet.ingest.poll.TracksolidFleetSource;
import io.fleet.ingest.poll.Window;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.nominatim.NominatimSimulator;
import io.fleet.ingest.tracksolid.TracksolidModule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-poll --devices N --days D}: a full poll of N simulated devices × D days of history
 * (alarms, trips, parking and idling) through the real pipeline, client and simulator over HTTP,
 * into an embedded PostgreSQL; geocoding off, then on with a cold and a warm cache.
 */
@Command(
    name = "bench-poll",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark a full poll of N simulated devices x D days (geocoding off, on cold, on warm).")
public final class BenchPollCommand implements Callable<Integer> {

  @Option(
      names = "--devices",
      defaultValue = "20",
      description = "Simulated devices (default ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--days",
      defaultValue = "7",
      description = "Days of history (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--geocode-rate",
      defaultValue = "200",
      description =
          "Requests/s the simulated Nominatim and the lane allow (default ${DEFAULT-VALUE}).")
  double geocodeRate;

  @Option(
      names = "--report",
      description = "Markdown file whose '## Polling' section is replaced with the results.")
  Path report;

  record Result(String label, Counts counts, long wallMs, long addressed, long addressable) {}

  @Override
  public Integer call() throws Exception {
    Vertx simVertx = Vertx.vertx();
    Clock clock = Clock.systemUTC();
    Instant now = clock.instant();
    Instant start = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(days));
    SimulatorOptions options =
        SimulatorOptions.defaults(clock).withFleet(42L, devices, days + 1, start);
    NominatimSimulator nominatim =
        new NominatimSimulator(NominatimSimulator.Options.defaults().withRate(geocodeRate));
    SimulatorServer sim =
        SimulatorServer.start(simVertx, options, List.of(nominatim::mount)).await();
    List<Result> results = new ArrayList<>();
    Path work = Files.createTempDirectory("bench-poll");
    try {
      results.add(run("geocoding off", sim, work.resolve("off"), false, false, start, now));
      results.add(
          run("geocoding on, cache cold", sim, work.resolve("on"), true, false, start, now));
      results.add(run("geocoding on, cache warm", sim, work.resolve("on"), true, true, start, now));
    } finally {
      simVertx.close().await();
    }
    String table = render(results);
    System.out.println(table);
    if (report != null) {
      BenchReport.replaceSection(report, "Polling", section(table));
      System.out.println("written to " + report);
    }
    return 0;
  }

  private Result run(
      String label,
      SimulatorServer sim,
      Path pgDir,
      boolean geocode,
      boolean warm,
      Instant from,
      Instant to)
      throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("DATABASE_URL");
    env.put("EMBEDDED_PG_DIR", pgDir.toString());
    // The warm run empties the raw tables between runs, which the writer role may not do; the
    // bench connects as the embedded server's owner instead (privilege checks cost nothing
    // measurable).
    env.put("DATABASE_RUNTIME_ROLE", "");
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    env.putIfAbsent("LOG_LEVEL", "WARN");
    env.put("JIMI_WEBHOOK_TOKEN", "bench-poll-token-0123456789abcdef");
    env.put("WEBHOOK_SPOOL_DIR", pgDir.resolveSibling(pgDir.getFileName() + "-spool").toString());
    env.put("GEOCODE_ENABLED", Boolean.toString(geocode));
    env.put("GEOCODE_RATE_PER_SECOND", Double.toString(geocodeRate));
    env.put("GEOCODE_QUEUE_CAPACITY", "100000");
    env.put("GEOCODE_MAX_WAIT", "PT10M");
    env = DemoEnvironment.overlay(env, sim);
    AppConfig config = AppConfig.load(env, false);
    Promise<Result> done = Promise.promise();
    RunningService service =
        Service.start(
                config,
                Clock.systemUTC(),
                ctx -> {
                  TracksolidModule tracksolid = new TracksolidModule(ctx);
                  GeocodeModule geocoder = new GeocodeModule(ctx);
                  List<FleetSource> sources = TracksolidFleetSource.all(tracksolid.clients());
                  PollRunner runner =
                      PollWiring.runner(
                          ctx, Optional.of(geocoder.geocoder()), new IngestMetrics(ctx.registry()));
                  ServiceModule job =
                      new ServiceModule() {
                        @Override
                        public String name() {
                          return "bench-poll";
                        }

                        @Override
                        public Future<Void> start() {
                          ctx.vertx()
                              .runOnContext(
                                  v ->
                                      measure(ctx, runner, sources, label, warm, from, to)
                                          .onComplete(done));
                          return Future.succeededFuture();
                        }
                      };
                  return List.of(tracksolid, geocoder, job);
                })
            .await();
    try {
      return done.future().await();
    } finally {
      service.stop().await();
    }
  }

  private static Future<Result> measure(
      ServiceContext ctx,
      PollRunner runner,
      List<FleetSource> sources,
      String label,
      boolean warm,
      Instant from,
      Instant to) {
    // Warm: same database as the cold run, rows and progress gone, geocode_cache kept.
    Future<Void> reset =
        !warm
            ? Future.succeededFuture()
            : ctx.pool()
                .query(
                    """
        DELETE FROM tracksolid.trips; DELETE FROM tracksolid.parking; DELETE FROM tracksolid.alarms;
        DELETE FROM tracksolid.checkpoints""")
                .execute()
                .mapEmpty();
    long[] t0 = new long[1];
    return reset
        .compose(
            v -> {
              t0[0] = System.nanoTime();
              return runner
                  .backfill()
                  .run(
                      sources,
                      List.of(Endpoint.ALARMS, Endpoint.TRIPS, Endpoint.PARKING),
                      from,
                      to,
                      new Quiet(),
                      () -> false);
            })
        .compose(
            s -> {
              long wall = Duration.ofNanos(System.nanoTime() - t0[0]).toMillis();
              return ctx.pool()
                  .query(
                      "SELECT (SELECT count(*) FROM tracksolid.trips WHERE start_address IS NOT NULL)"
                          + " + (SELECT count(*) FROM tracksolid.parking WHERE address IS NOT NULL),"
                          + " (SELECT count(*) FROM tracksolid.trips) + (SELECT count(*) FROM tracksolid.parking)")
                  .execute()
                  .map(
                      rows ->
                          new Result(
                              label,
                              s.counts(),
                              wall,
                              rows.iterator().next().getLong(0),
                              rows.iterator().next().getLong(1)));
            });
  }

  private String render(List<Result> results) {
    StringBuilder b =
        new StringBuilder(
            """
            | run | rows fetched | rows written | trips+stops with address | wall s | rows/s |
            |---|---:|---:|---:|---:|---:|
            """);
    for (Result r : results) {
      long written = (long) r.counts().inserted() + r.counts().updated();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d of %d | %.1f | %.0f |%n",
              r.label(),
              r.counts().fetched(),
              written,
              r.addressed(),
              r.addressable(),
              r.wallMs() / 1000.0,
              r.counts().fetched() * 1000.0 / Math.max(1, r.wallMs())));
    }
    return b.toString();
  }

  private String section(String table) {
    return String.format(
        Locale.ROOT,
        """
        Reproduce: `./mvnw -q -DskipTests package && LOG_LEVEL=WARN java -jar target/tracksolid-ingest.jar \
        bench-poll --devices %d --days %d --geocode-rate %s --report docs/reports/benchmarks.md`

        Measured %s on %d CPU(s), Java %s: %d simulated devices × %d days (alarms, trips, parking and idling)
        fetched from the Tracksolid simulator over HTTP through the client (limits, paging, signing), then the
        phased pipeline (fetch, enrichment read, geocoding, one write transaction per one-day slice) into an
        embedded PostgreSQL 17, fresh data directory per geocoding mode. rows/s counts fetched vendor rows.
        The simulated Nominatim and the lane allow %s requests/s here; against the public host (1 req/s) a cold
        cache is bounded by one distinct point per second, so there leave geocoding to the backfill job.
        "cache warm" re-runs the same history on the database of the cold run with its geocode_cache kept.

        %s""",
        devices,
        days,
        fmt(geocodeRate),
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        devices,
        days,
        fmt(geocodeRate),
        table);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static final class Quiet implements Backfill.Progress {
    @Override
    public void planned(String account, Endpoint endpoint, int totalSlices, int alreadyDone) {}

    @Override
    public void sliceDone(String account, Endpoint endpoint, Window slice, Counts counts) {}
  }
}
