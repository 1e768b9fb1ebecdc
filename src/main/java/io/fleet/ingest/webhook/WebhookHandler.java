package io.fleet.ingest.webhook;

import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push request: content type (415), size (413), a header or query token (401, before the body
 * is read), room among the bytes in flight (503), the body within WEBHOOK_REQUEST_TIMEOUT (408),
 * the body's token (401, before the item list is decoded), the body (400, 413), then durable
 * storage, and only then {@code {"code":0,"msg":"success"}}. Storage is the database through the
 * group commit when it answers (or its dead-letter table when it refuses this request for good),
 * else the fsync'd spool; a full queue or spool answers 503 with Retry-After. Every path ends in an
 * answer.
 */
final class WebhookHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
  static final String SUCCESS = new JsonObject().put("code", 0).put("msg", "success").encode();
  static final String RETRY_AFTER_SECONDS = "30";
  static final String BUSY_RETRY_AFTER_SECONDS = "1";

  /** What one push may use and take. */
  record Limits(int maxBodyBytes, int maxItems, int maxDepth, Duration timeout) {}

  private final String path;
  private final Limits limits;
  private final TokenCheck tokens;
  private final GroupCommitter committer;
  private final PushIngestor ingestor;
  private final SpoolLane spool;
  private final PushBodyReader bodies;
  private final Clock clock;

  WebhookHandler(
      String path,
      Limits limits,
      TokenCheck tokens,
      GroupCommitter committer,
      PushIngestor ingestor,
      SpoolLane spool,
      InFlightBytes inFlight,
      Clock clock) {
    this.path = path;
    this.limits = limits;
    this.tokens = tokens;
    this.committer = committer;
    this.ingestor = ingestor;
    this.spool = spool;
    this.bodies = new PushBodyReader(limits, inFlight);
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    try {
      start(ctx);
    } catch (RuntimeException | StackOverflowError e) {
      unexpected(ctx, e);
    }
  }

  private void start(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<PushBodyParser.Format> format = PushBodyParser.format(req.getHeader("Content-Type"));
    if (format.isEmpty()) {
      ctx.fail(
          new HttpFailure(
              415,
              "unsupported_media_type",
              "Push bodies must be application/x-www-form-urlencoded or application/json."));
      return;
    }
    long length = parseLength(req.getHeader("Content-Length"));
    if (length > limits.maxBodyBytes()) {
      bodies.tooLarge(ctx);
      return;
    }
    List<String> outside;
    try {
      outside = presentedTokens(ctx);
    } catch (IllegalArgumentException badQuery) {
      PushBodyReader.closeAfter(ctx);
      ctx.fail(
          new HttpFailure(400, "bad_query", "The query string has a malformed percent escape."));
      return;
    }
    if (!outside.isEmpty() && !tokens.accepts(outside)) {
      // A header or query token is known before the body: a wrong one costs no body read or parse.
      PushBodyReader.closeAfter(ctx);
      unauthorized(ctx);
      return;
    }
    bodies.read(
        ctx,
        Math.max(0, length),
        body -> handleBody(ctx, format.get(), body, outside),
        e -> unexpected(ctx, e));
  }

  private static void unauthorized(RoutingContext ctx) {
    ctx.fail(
        new HttpFailure(
            401,
            "unauthorized",
            "A valid token is required (token field, token query parameter, "
                + "X-Jimi-Token or Bearer header); tokens presented together must agree."));
  }

  private void handleBody(
      RoutingContext ctx, PushBodyParser.Format format, Buffer body, List<String> outside) {
    byte[] bytes = body.getBytes();
    PushBodyParser.Envelope envelope = PushBodyParser.envelope(format, bytes, limits.maxDepth());
    List<String> presented = new ArrayList<>(envelope.tokens());
    presented.addAll(outside);
    if (!tokens.accepts(presented)) {
      unauthorized(ctx);
      return;
    }
    if (envelope.problem() != null) {
      ctx.fail(envelope.problem());
      return;
    }
    PushBodyParser.Parsed parsed =
        PushBodyParser.request(
            path, envelope, clock.instant(), limits.maxDepth(), limits.maxItems());
    if (parsed.problem() != null) {
      ctx.fail(parsed.problem());
      return;
    }
    PushRequest request = parsed.request();
    if (spool.engaged()) {
      toSpool(ctx, request);
      return;
    }
    committer
        .submit(request, bytes.length)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ack(ctx);
              } else if (ar.cause() instanceof GroupCommitter.Backpressure) {
                ingestor.count(path, "rejected", request.items().size());
                ctx.response().putHeader("Retry-After", BUSY_RETRY_AFTER_SECONDS);
                ctx.fail(
                    new HttpFailure(
                        503,
                        "busy",
                        "More push items wait for the database than WEBHOOK_QUEUE_MAX_ITEMS; "
                            + "retry shortly."));
              } else {
                // The database did not answer: keep the request until it does.
                spool.databaseUnavailable(ar.cause());
                toSpool(ctx, request);
              }
            });
  }

  private void toSpool(RoutingContext ctx, PushRequest request) {
    spool
        .append(request)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result()) {
                ack(ctx);
                return;
              }
              if (ar.failed()) {
                log.error(
                    "push to /{} could not be spooled: {}", path, ar.cause().getClass().getName());
              }
              ingestor.count(path, "rejected", request.items().size());
              ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
              ctx.fail(
                  ar.succeeded()
                      ? new HttpFailure(
                          503,
                          "spool_full",
                          "The database is unavailable and the local spool is full; retry later.")
                      : new HttpFailure(
                          503,
                          "spool_unavailable",
                          "The database is unavailable and the push could not be spooled; retry later."));
            });
  }

  private static void ack(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().putHeader("Content-Type", "application/json").end(SUCCESS);
    }
  }

  /** Query and header tokens; a malformed query string throws IllegalArgumentException. */
  private static List<String> presentedTokens(RoutingContext ctx) {
    List<String> presented = new ArrayList<>(3);
    for (String query : ctx.request().params().getAll("token")) {
      presented.add(query.trim());
    }
    for (String header : ctx.request().headers().getAll("X-Jimi-Token")) {
      presented.add(header.trim());
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented.add(auth.substring(7).trim());
    }
    presented.removeIf(String::isEmpty);
    return presented;
  }

  /**
   * Whatever went wrong, the sender gets an answer; the log gets the class and place, never the
   * input.
   */
  private void unexpected(RoutingContext ctx, Throwable e) {
    log.error(
        "push to /{} failed unexpectedly: {} at {}",
        path,
        e.getClass().getName(),
        e.getStackTrace().length == 0 ? "?" : e.getStackTrace()[0]);
    if (!ctx.response().ended()) {
      ctx.fail(
          new HttpFailure(
              500, "internal_error", "The push failed on our side; it has been logged."));
    }
  }

  private static long parseLength(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
