package io.fleet.ingest.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers. No stack trace or exception text of a 5xx reaches a
 * client.
 */
public final class ErrorMapper implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

  public static void install(Router router) {
    ErrorMapper mapper = new ErrorMapper();
    // Any failure on any route, whatever its status, ends in a JSON answer; the status handlers
    // below cover requests no route matched (404, 405) and the rest.
    router.route().failureHandler(mapper);
    for (int status : new int[] {400, 401, 403, 404, 405, 408, 413, 414, 415, 431, 500, 501, 503}) {
      router.errorHandler(status, mapper);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    toApiError(ctx).send(ctx);
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "\u2026";
  }

  static ApiError toApiError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpFailure known) {
      return known.toApiError();
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
    }
    String method = ctx.request().method().name();
    // Echoed in answers, so capped; the query string is never part of it.
    String path = shorten(ctx.normalizedPath());
    return switch (status) {
      case 400 -> new ApiError(400, "bad_request", "The request could not be understood.");
      case 401 -> new ApiError(401, "unauthorized", "A valid token is required.");
      case 403 -> new ApiError(403, "forbidden", "Not allowed.");
      case 408 -> new ApiError(408, "request_timeout", "The request did not arrive in time.");
      case 414 -> new ApiError(414, "uri_too_long", "The request URI is too long.");
      case 431 -> new ApiError(431, "headers_too_large", "The request headers are too large.");
      case 404 -> new ApiError(404, "not_found", "No route for " + method + " " + path);
      case 405 -> new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
      case 413 ->
          new ApiError(
              413, "payload_too_large", "The request body is larger than this endpoint accepts.");
      case 415 ->
          new ApiError(415, "unsupported_media_type", "Unsupported Content-Type for " + path);
      case 503 ->
          new ApiError(503, "unavailable", "The service cannot take this request right now.");
      default -> {
        if (status >= 500) {
          // Class and place only: an exception's message may quote a body, query string or token.
          log.error(
              "request {} {} failed: {} at {}",
              shorten(method),
              path,
              failure == null ? "no exception" : failure.getClass().getName(),
              failure == null || failure.getStackTrace().length == 0
                  ? "?"
                  : failure.getStackTrace()[0]);
          yield new ApiError(
              500, "internal_error", "The request failed on our side; it has been logged.");
        }
        yield new ApiError(status, "error", "The request failed with status " + status);
      }
    };
  }
}
