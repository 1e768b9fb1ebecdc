package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.geocode.GeocodeModule;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.poll.Backfill;
import io.fleet.ingest.poll.Endpoint;
import io.fleet.ingest.poll.FleetSource;
import io.fleet.ingest.poll.PollRunner;
import io.fleet.ingest.poll.PollWiring;
import io.fleet.ingest.poll.TracksolidFleetSource;
import io.fleet.ingest.tracksolid.TracksolidModule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code backfill --from 2026-01-01 --to 2026-02-01 [--endpoints trips,parking] [--accounts acme]}:
 * walks history through the polling pipeline and exits. Interrupt it (Ctrl-C) and run the same
 * command again: it resumes after the last committed slice.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = "Load history for a time range through the polling pipeline (resumable).")
public final class BackfillCommand implements Callable<Integer> {

  @Option(
      names = "--from",
      required = true,
      description = "Start, as 2026-01-01 or 2026-01-01T00:00:00Z (UTC).")
  String from;

  @Option(names = "--to", required = true, description = "End (exclusive), same forms as --from.")
  String to;

  @Option(
      names = "--endpoints",
      split = ",",
      defaultValue = "alarms,trips,parking",
      description = "Which of alarms, trips, parking (default all three).")
  List<String> endpoints;

  @Option(
      names = "--accounts",
      split = ",",
      description = "Only these configured accounts (default all).")
  List<String> accounts;

  @Override
  public Integer call() throws Exception {
    Instant start;
    Instant end;
    List<Endpoint> eps;
    try {
      start = instant(from);
      end = instant(to);
      eps = endpoints.stream().map(Endpoint::parse).toList();
    } catch (RuntimeException e) {
      System.err.println("backfill: " + e.getMessage());
      return 2;
    }
    if (!start.isBefore(end)) {
      System.err.println("backfill: --from must be before --to");
      return 2;
    }
    AppConfig config;
    try {
      config = AppConfig.load(System.getenv(), false);
    } catch (ConfigException e) {
      System.err.println("tracksolid-ingest: " + e.getMessage());
      return 2;
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    Promise<Backfill.Summary> result = Promise.promise();
    RunningService service =
        Service.start(
                config,
                Clock.systemUTC(),
                ctx -> {
                  TracksolidModule tracksolid = new TracksolidModule(ctx);
                  GeocodeModule geocode = new GeocodeModule(ctx);
                  List<FleetSource> sources =
                      TracksolidFleetSource.all(tracksolid.clients()).stream()
                          .filter(s -> accounts == null || accounts.contains(s.account()))
                          .toList();
                  PollRunner runner =
                      PollWiring.runner(
                          ctx, Optional.of(geocode.geocoder()), new IngestMetrics(ctx.registry()));
                  ServiceModule job =
                      new ServiceModule() {
                        @Override
                        public String name() {
                          return "backfill";
                        }

                        @Override
                        public Future<Void> start() {
                          if (sources.isEmpty()) {
                            result.fail(
                                "no configured Tracksolid account matches (set TRACKSOLID_* or --accounts)");
                            return Future.succeededFuture();
                          }
                          // Started from the module so the service is up; the command waits on the
                          // result below.
                          ctx.vertx()
                              .runOnContext(
                                  v ->
                                      runner
                                          .backfill()
                                          .run(
                                              sources,
                                              eps,
                                              start,
                                              end,
                                              ProgressReporter.create(),
                                              cancelled::get)
                                          .onComplete(result));
                          return Future.succeededFuture();
                        }
                      };
                  return List.of(tracksolid, geocode, job);
                })
            .await();
    Thread hook = new Thread(() -> cancelled.set(true), "backfill-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit;
    try {
      Backfill.Summary s = result.future().await();
      System.out.printf(
          Locale.ROOT,
          "backfill done: %d slices (%d already done before), %d fetched, %d inserted, "
              + "%d updated, %d rejected%n",
          s.slices(),
          s.skippedSlices(),
          s.counts().fetched(),
          s.counts().inserted(),
          s.counts().updated(),
          s.counts().rejected());
      exit = 0;
    } catch (Exception e) {
      System.err.println(
          "backfill stopped: " + e.getMessage() + " (run the same command again to resume)");
      exit = 1;
    }
    service.stop().await();
    return exit;
  }

  static Instant instant(String text) {
    String t = text.trim();
    return t.length() == 10
        ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
        : Instant.parse(t);
  }
}
