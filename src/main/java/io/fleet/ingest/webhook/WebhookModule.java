package io.fleet.ingest.webhook;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.config.WebhookConfig;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ops.IngestMetrics;
import io.vertx.core.Future;
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

  private SpoolLane spool;

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Future<Void> start(ServiceContext context) {
    WebhookConfig config = context.config().webhook();
    return resolveToken(context, config).compose(token -> {
      TokenCheck tokens = new TokenCheck(token);
      if (tokens.open()) {
        log.error("CRITICAL: the webhook is running OPEN: WEBHOOK_REQUIRE_TOKEN=false and no JIMI_WEBHOOK_TOKEN, "
            + "so anyone who can reach it can write data. Set JIMI_WEBHOOK_TOKEN.");
      }
      TimestampGuard guard = new TimestampGuard(context.config().ingest(), context.clock());
      PushIngestor ingestor = new PushIngestor(context.pool(), context.clock(), new ItemClassifier(guard),
          context.instanceId(), IngestMetrics.of(context));
      spool = new SpoolLane(context.vertx(), context.pool(), config.spoolDir(), config.spoolMaxBytes(), ingestor,
          config.replayInterval(), context.registry(), context.clock());
      return spool.start().onSuccess(v -> {
        for (String path : PushKind.PATHS) {
          context.router().post("/" + path).handler(new WebhookHandler(path, config.maxBodyBytes(), tokens, ingestor,
              spool, context.clock()));
        }
        log.info("webhook listening on /push and /push* paths; spool in {}", config.spoolDir().toAbsolutePath());
      });
    });
  }

  private static Future<Optional<String>> resolveToken(ServiceContext context, WebhookConfig config) {
    if (config.token().isPresent() || !context.config().demo() || !config.requireToken()) {
      return Future.succeededFuture(config.token());
    }
    Path file = DemoToken.file(config.spoolDir());
    return context.vertx().executeBlocking(() -> {
      String token = DemoToken.loadOrCreate(file);
      // The path only: the token itself never reaches the log.
      log.info("demo mode: webhook token is in {}", file);
      return Optional.of(token);
    }, false);
  }

  @Override
  public Future<Void> stop(Duration grace) {
    return spool == null ? Future.succeededFuture() : spool.stop(grace);
  }
}
