package io.fleet.ingest.webhook;

import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push request: content type (415), size (413), a header or query token (401, before the
 * body is read), body (400), the body's token (401), then durable
 * storage, and only then {@code {"code":0,"msg":"success"}}. Storage is the database when it
 * answers, else the fsync'd spool; a full spool answers 503 with Retry-After.
 */
final class WebhookHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
  static final String SUCCESS = new JsonObject().put("code", 0).put("msg", "success").encode();
  static final String RETRY_AFTER_SECONDS = "30";

  private final String path;
  private final int maxBodyBytes;
  private final TokenCheck tokens;
  private final PushIngestor ingestor;
  private final SpoolLane spool;
  private final Clock clock;

  WebhookHandler(String path, int maxBodyBytes, TokenCheck tokens, PushIngestor ingestor, SpoolLane spool,
                 Clock clock) {
    this.path = path;
    this.maxBodyBytes = maxBodyBytes;
    this.tokens = tokens;
    this.ingestor = ingestor;
    this.spool = spool;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<PushBodyParser.Format> format = PushBodyParser.format(req.getHeader("Content-Type"));
    if (format.isEmpty()) {
      ctx.fail(new HttpFailure(415, "unsupported_media_type",
          "Push bodies must be application/x-www-form-urlencoded or application/json."));
      return;
    }
    String length = req.getHeader("Content-Length");
    if (length != null && parseLength(length) > maxBodyBytes) {
      tooLarge(ctx);
      return;
    }
    List<String> outside = presentedTokens(ctx, Optional.empty());
    if (!outside.isEmpty() && !tokens.accepts(outside)) {
      // A header or query token is known before the body: a wrong one costs no body read or parse.
      if (req.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
        ctx.response().putHeader("Connection", "close");
      }
      unauthorized(ctx);
      return;
    }
    readBody(ctx, body -> handleBody(ctx, format.get(), body));
  }

  private static void unauthorized(RoutingContext ctx) {
    ctx.fail(new HttpFailure(401, "unauthorized",
        "A valid token is required (token field, token query parameter, X-Jimi-Token or Bearer header)."));
  }

  private void handleBody(RoutingContext ctx, PushBodyParser.Format format, Buffer body) {
    PushBodyParser.Parsed parsed = PushBodyParser.parse(path, format, body, clock.instant());
    if (!tokens.accepts(presentedTokens(ctx, parsed.token()))) {
      unauthorized(ctx);
      return;
    }
    if (parsed.request() == null) {
      ctx.fail(HttpFailure.badRequest(parsed.problem()));
      return;
    }
    PushRequest request = parsed.request();
    if (spool.engaged()) {
      toSpool(ctx, request);
      return;
    }
    ingestor.ingest(request).onComplete(ar -> {
      if (ar.succeeded()) {
        ack(ctx);
      } else if (!DbFailures.permanent(ar.cause())) {
        // Anything but a data error will pass once an operator or the database recovers: keep it.
        spool.databaseUnavailable(ar.cause());
        toSpool(ctx, request);
      } else {
        log.error("push to /{} could not be stored", path, ar.cause());
        ingestor.count(path, "rejected", request.items().size());
        ctx.fail(new HttpFailure(500, "internal_error", "The push could not be stored; it has been logged."));
      }
    });
  }

  private void toSpool(RoutingContext ctx, PushRequest request) {
    spool.append(request).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        ack(ctx);
        return;
      }
      if (ar.failed()) {
        log.error("push to /{} could not be spooled", path, ar.cause());
      }
      ingestor.count(path, "rejected", request.items().size());
      ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
      ctx.fail(ar.succeeded()
          ? new HttpFailure(503, "spool_full", "The database is unavailable and the local spool is full; retry later.")
          : new HttpFailure(503, "spool_unavailable",
              "The database is unavailable and the push could not be spooled; retry later."));
    });
  }

  private static void ack(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().putHeader("Content-Type", "application/json").end(SUCCESS);
    }
  }

  private static List<String> presentedTokens(RoutingContext ctx, Optional<String> bodyToken) {
    List<String> presented = new ArrayList<>(3);
    bodyToken.ifPresent(presented::add);
    String query = ctx.request().getParam("token");
    if (query != null && !query.isEmpty()) {
      presented.add(query);
    }
    String header = ctx.request().getHeader("X-Jimi-Token");
    if (header != null && !header.isEmpty()) {
      presented.add(header.trim());
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented.add(auth.substring(7).trim());
    }
    return presented;
  }

  /** Collects the body up to the limit; the 413 goes out as soon as the limit is passed. */
  private void readBody(RoutingContext ctx, Handler<Buffer> then) {
    HttpServerRequest req = ctx.request();
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxBodyBytes) {
        over[0] = true;
        tooLarge(ctx);
      } else {
        body.appendBuffer(chunk);
      }
    });
    req.exceptionHandler(err -> {
      if (!ctx.response().ended()) {
        ctx.fail(HttpFailure.badRequest("The request body could not be read."));
      }
    });
    req.endHandler(v -> {
      if (!over[0]) {
        then.handle(body);
      }
    });
    req.resume();
  }

  private void tooLarge(RoutingContext ctx) {
    if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      // The rest of an oversized body is not worth reading; HTTP/2 resets the stream instead.
      ctx.response().putHeader("Connection", "close");
    }
    ctx.fail(new HttpFailure(413, "payload_too_large",
        "The push body is larger than WEBHOOK_MAX_BODY_BYTES (" + maxBodyBytes + " bytes)."));
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
