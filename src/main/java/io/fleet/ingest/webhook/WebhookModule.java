package io.fleet.ingest.webhook;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.WebhookConfig;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jimi push receiver: mounts POST /push and the IoT-Hub /push* paths on the public router.
 * Fail-closed on the token, guarded per item, and durable before acknowledged.
 */
public final class WebhookModule implements ServiceModule {
  private static final Logger log = LoggerFactory.getLogger(WebhookModule.class);

  /** Outcomes of tracksolid_webhook_items_total. */
  static final java.util.List<String> OUTCOMES =
      java.util.List.of("accepted", "quarantined", "rejected", "dead_lettered");

  private final ServiceContext context;
  private final IngestMetrics metrics;
  private SpoolLane spool;

  public WebhookModule(ServiceContext context, IngestMetrics metrics) {
    this.context = context;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Future<Void> start() {
    WebhookConfig config = context.config().webhook();
    return resolveToken(context, config)
        .compose(
            token -> {
              TokenCheck tokens = new TokenCheck(token, config.previousToken());
              if (tokens.open()) {
                log.error(
                    "CRITICAL: the webhook is running OPEN: WEBHOOK_REQUIRE_TOKEN=false and no JIMI_WEBHOOK_TOKEN, "
                        + "so anyone who can reach it can write data. Set JIMI_WEBHOOK_TOKEN.");
              }
              TimestampGuard guard = new TimestampGuard(context.config().ingest(), context.clock());
              PushIngestor ingestor =
                  new PushIngestor(
                      context.pool(),
                      context.clock(),
                      new ItemClassifier(guard, config.maxDepth()),
                      context.instanceId(),
                      metrics);
              PushDelivery delivery = new PushDelivery(context.pool(), ingestor);
              spool =
                  new SpoolLane(
                      context.vertx(),
                      context.pool(),
                      config.spoolDir(),
                      config.spoolMaxBytes(),
                      delivery,
                      config.replayInterval(),
                      context.registry(),
                      context.clock());
              InFlightBytes inFlight = new InFlightBytes(config.maxBytesInFlight());
              // Leave a connection of the pool to the pollers and health checks.
              int commits =
                  Math.max(
                      1,
                      Math.min(
                          config.commitsInFlight(), context.config().database().poolSize() - 1));
              GroupCommitter committer =
                  new GroupCommitter(
                      ingestor,
                      delivery,
                      new GroupCommitter.Limits(
                          config.batchMaxItems(),
                          config.batchMaxBytes(),
                          commits,
                          config.queueMaxItems()),
                      context.registry());
              WebhookHandler.Limits limits =
                  new WebhookHandler.Limits(
                      config.maxBodyBytes(),
                      config.maxItems(),
                      config.maxDepth(),
                      config.requestTimeout());
              return spool
                  .start()
                  .onSuccess(
                      v -> {
                        exportAtZero(metrics);
                        for (String path : PushKind.PATHS) {
                          context
                              .router()
                              .post("/" + path)
                              .handler(
                                  new WebhookHandler(
                                      path,
                                      limits,
                                      tokens,
                                      committer,
                                      ingestor,
                                      spool,
                                      inFlight,
                                      context.clock()));
                        }
                        context.health().addDetail("webhook", () -> status(context));
                        log.info(
                            "webhook listening on /push and /push* paths; spool in {}",
                            config.spoolDir().toAbsolutePath());
                      });
            });
  }

  /**
   * Every outcome and quarantine reason of every path exists from the start at zero, so an alert
   * can use rate() before the first event.
   */
  private static void exportAtZero(IngestMetrics metrics) {
    for (String path : PushKind.PATHS) {
      for (String outcome : OUTCOMES) {
        metrics.webhookItems(path, outcome);
      }
      for (String reason : io.fleet.ingest.ingest.Reason.codes()) {
        metrics.quarantined("webhook." + path, reason);
      }
    }
  }

  /** What /health shows of the webhook: what waits in the spool and in the dead-letter table. */
  private Future<JsonObject> status(ServiceContext context) {
    JsonObject status =
        new JsonObject()
            .put("spooledRequests", spool.depthRequests())
            .put("spooledBytes", spool.depthBytes());
    return DeadLetters.count(context.pool())
        .map(n -> status.put("deadLetters", n))
        .recover(e -> Future.succeededFuture(status.putNull("deadLetters")));
  }

  private static Future<Optional<String>> resolveToken(
      ServiceContext context, WebhookConfig config) {
    if (config.token().isPresent() || !context.config().demo() || !config.requireToken()) {
      return Future.succeededFuture(config.token());
    }
    Path file = DemoToken.file(config.spoolDir());
    return context
        .vertx()
        .executeBlocking(
            () -> {
              String token = DemoToken.loadOrCreate(file);
              // The path only: the token itself never reaches the log.
              log.info("demo mode: webhook token is in {}", file);
              return Optional.of(token);
            },
            false);
  }

  @Override
  public Future<Void> stop(Duration grace) {
    return spool == null ? Future.succeededFuture() : spool.stop(grace);
  }
}
