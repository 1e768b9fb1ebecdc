package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.HttpConfig;
import io.fleet.ingest.webhook.DeadLetters;
import io.fleet.ingest.webhook.WebhookQueues;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code webhook-queue list} shows what waits in the webhook's spool (WEBHOOK_SPOOL_DIR) and in its
 * dead-letter table; {@code webhook-queue replay [--id N] [--limit N]} stores dead letters again
 * after their cause is fixed (each one exactly once; one still refused stays).
 */
@Command(
    name = "webhook-queue",
    mixinStandardHelpOptions = true,
    description = "List the webhook's spool and dead letters, or replay dead letters after a fix.",
    subcommands = {WebhookQueueCommand.ListCommand.class, WebhookQueueCommand.ReplayCommand.class})
public final class WebhookQueueCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("webhook-queue: give a subcommand: list or replay (see --help)");
    return 2;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Show the spooled requests (per segment) and the dead letters, oldest first.")
  public static final class ListCommand implements Callable<Integer> {
    @Option(names = "--limit", description = "Most dead letters to show (default 100).")
    int limit = 100;

    @Override
    public Integer call() {
      return run(System.getenv(), System.out);
    }

    public int run(Map<String, String> environment, PrintStream output) {
      return withService(
          environment,
          output,
          (context, out) -> {
            WebhookQueues.SpoolInfo spool;
            try {
              spool = WebhookQueues.spool(context.config().webhook().spoolDir());
            } catch (java.io.IOException e) {
              return Future.failedFuture(e);
            }
            printSpool(spool, out);
            return WebhookQueues.deadLetters(context, null, limit)
                .map(
                    entries -> {
                      printDeadLetters(entries, out);
                      return 0;
                    });
          });
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description =
          "Store dead letters again (after fixing what refused them); each is deleted with its commit.")
  public static final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--id", description = "Only the dead letter with this id.")
    Long id;

    @Option(
        names = "--limit",
        description = "Most dead letters to replay, oldest first (default 1000).")
    int limit = 1000;

    @Override
    public Integer call() {
      return run(System.getenv(), System.out);
    }

    public int run(Map<String, String> environment, PrintStream output) {
      return withService(
          environment,
          output,
          (context, out) ->
              WebhookQueues.replay(context, id, limit)
                  .map(
                      results -> {
                        int stored = 0;
                        for (WebhookQueues.Replayed r : results) {
                          out.printf(
                              Locale.ROOT,
                              "dead letter %d (/%s, %d items): %s%n",
                              r.id(),
                              r.path(),
                              r.items(),
                              r.stored()
                                  ? "stored"
                                  : "still refused (SQLSTATE " + r.sqlState() + "), kept");
                          stored += r.stored() ? 1 : 0;
                        }
                        out.printf(
                            Locale.ROOT,
                            "replayed %d of %d dead letter(s)%n",
                            stored,
                            results.size());
                        return stored == results.size() ? 0 : 1;
                      }));
    }
  }

  /**
   * What a subcommand does once the database is open: prints to {@code out}, yields the exit code.
   */
  interface Job {
    Future<Integer> run(ServiceContext context, PrintStream out);
  }

  /**
   * Starts the service core on the configured database with only this job as module (no webhook
   * receiver, so a running service keeps its spool), on a loopback port of its own.
   */
  static int withService(Map<String, String> environment, PrintStream out, Job job) {
    Map<String, String> env = new HashMap<>(environment);
    env.put(HttpConfig.HTTP_PORT.name(), "0");
    env.put(HttpConfig.HTTP_HOST.name(), "127.0.0.1");
    AppConfig config;
    try {
      config = AppConfig.load(env, false);
    } catch (ConfigException e) {
      System.err.println("tracksolid-ingest webhook-queue: " + e.getMessage());
      return 2;
    }
    Promise<Integer> result = Promise.promise();
    Function<ServiceContext, List<ServiceModule>> modules =
        ctx ->
            List.of(
                new ServiceModule() {
                  @Override
                  public String name() {
                    return "webhook-queue";
                  }

                  @Override
                  public Future<Void> start() {
                    ctx.vertx().runOnContext(v -> job.run(ctx, out).onComplete(result));
                    return Future.succeededFuture();
                  }
                });
    RunningService service;
    try {
      service = Service.start(config, Clock.systemUTC(), modules).await();
    } catch (RuntimeException e) {
      System.err.println(
          "tracksolid-ingest webhook-queue: cannot open the database: " + e.getMessage());
      return 1;
    }
    int exit;
    try {
      exit = result.future().await();
    } catch (Exception e) {
      System.err.println("tracksolid-ingest webhook-queue: " + e.getMessage());
      exit = 1;
    }
    service.stop().await();
    return exit;
  }

  static void printSpool(WebhookQueues.SpoolInfo spool, PrintStream out) {
    int requests = spool.segments().stream().mapToInt(WebhookQueues.SegmentInfo::requests).sum();
    out.printf(
        Locale.ROOT,
        "spool %s: %d request(s) waiting%s%n",
        spool.dir().toAbsolutePath(),
        requests,
        spool
            .database()
            .map(
                d ->
                    " for database '"
                        + d
                        + "' (system identifier "
                        + spool.systemIdentifier().orElse("?")
                        + ")")
            .orElse(""));
    for (WebhookQueues.SegmentInfo s : spool.segments()) {
      out.printf(
          Locale.ROOT,
          "  %s  %d bytes  %d request(s)  %d item(s)  received %s .. %s%n",
          s.file(),
          s.bytes(),
          s.requests(),
          s.items(),
          s.oldest(),
          s.newest());
    }
  }

  static void printDeadLetters(List<DeadLetters.Entry> entries, PrintStream out) {
    out.printf(
        Locale.ROOT, "dead letters (tracksolid.rejected_pushes): %d shown%n", entries.size());
    for (DeadLetters.Entry e : entries) {
      out.printf(
          Locale.ROOT,
          "  id %d  /%s  %d item(s)  received %s  refused %s  SQLSTATE %s  %s%n",
          e.id(),
          e.path(),
          e.items(),
          e.receivedAt(),
          e.rejectedAt(),
          e.sqlState(),
          e.message() == null ? "" : e.message());
    }
  }
}
