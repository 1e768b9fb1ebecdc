package io.fleet.ingest.webhook;

import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Reads one push body within its limits: WEBHOOK_MAX_BODY_BYTES (413), the bytes in flight across
 * all pushes (503) and WEBHOOK_REQUEST_TIMEOUT (408). A request past a limit is answered at once
 * and its connection closed, so a sender cannot hold the service with a body it never finishes.
 */
final class PushBodyReader {
  private final WebhookHandler.Limits limits;
  private final InFlightBytes inFlight;

  PushBodyReader(WebhookHandler.Limits limits, InFlightBytes inFlight) {
    this.limits = limits;
    this.inFlight = inFlight;
  }

  /**
   * Collects the body up to the limit, within the in-flight cap and the request deadline; the
   * answer goes out as soon as a limit is passed. The reserved bytes are given back when the
   * exchange ends, however it ends.
   */
  void read(
      RoutingContext ctx, long announced, Handler<Buffer> then, Consumer<Throwable> unexpected) {
    HttpServerRequest req = ctx.request();
    long[] reserved = {0};
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            inFlight.release(reserved[0]);
          }
        };
    // Called when the response ends or the connection closes before it does.
    ctx.addEndHandler(v -> release.run());
    if (announced > 0) {
      if (!inFlight.tryReserve(announced)) {
        busy(ctx);
        return;
      }
      reserved[0] = announced;
    }
    Buffer body = Buffer.buffer((int) Math.min(announced, limits.maxBodyBytes()));
    boolean[] stopped = {false};
    long timer =
        ctx.vertx()
            .setTimer(
                limits.timeout().toMillis(),
                id -> {
                  if (!stopped[0]) {
                    stopped[0] = true;
                    closeAfter(ctx);
                    ctx.fail(
                        new HttpFailure(
                            408,
                            "request_timeout",
                            "The push body did not arrive within "
                                + "WEBHOOK_REQUEST_TIMEOUT ("
                                + limits.timeout()
                                + ")."));
                  }
                });
    req.handler(
        chunk -> {
          if (stopped[0]) {
            return;
          }
          if (body.length() + chunk.length() > limits.maxBodyBytes()) {
            stopped[0] = true;
            ctx.vertx().cancelTimer(timer);
            tooLarge(ctx);
            return;
          }
          long more = body.length() + chunk.length() - reserved[0];
          if (more > 0) {
            if (!inFlight.tryReserve(more)) {
              stopped[0] = true;
              ctx.vertx().cancelTimer(timer);
              busy(ctx);
              return;
            }
            reserved[0] += more;
          }
          body.appendBuffer(chunk);
        });
    req.exceptionHandler(
        err -> {
          if (!stopped[0]) {
            stopped[0] = true;
            ctx.vertx().cancelTimer(timer);
            ctx.fail(HttpFailure.badRequest("The request body could not be read."));
          }
        });
    req.endHandler(
        v -> {
          if (stopped[0]) {
            return;
          }
          stopped[0] = true;
          ctx.vertx().cancelTimer(timer);
          try {
            then.handle(body);
          } catch (RuntimeException | StackOverflowError e) {
            unexpected.accept(e);
          }
        });
    req.resume();
  }

  private void busy(RoutingContext ctx) {
    closeAfter(ctx);
    ctx.response().putHeader("Retry-After", WebhookHandler.BUSY_RETRY_AFTER_SECONDS);
    ctx.fail(
        new HttpFailure(
            503,
            "busy",
            "Too many push bytes are in flight (WEBHOOK_MAX_BYTES_IN_FLIGHT); "
                + "retry shortly."));
  }

  void tooLarge(RoutingContext ctx) {
    closeAfter(ctx);
    ctx.fail(
        new HttpFailure(
            413,
            "payload_too_large",
            "The push body is larger than WEBHOOK_MAX_BODY_BYTES ("
                + limits.maxBodyBytes()
                + " bytes)."));
  }

  /**
   * The rest of the request is not worth reading: the connection closes once the answer is out (a
   * sender that stalls mid-body would otherwise keep it). HTTP/2 resets the stream instead.
   */
  static void closeAfter(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2 && !ctx.response().headWritten()) {
      ctx.response().putHeader("Connection", "close");
      ctx.addEndHandler(v -> ctx.request().connection().close());
    }
  }
}
