package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.json.Lenient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One signed form post to the account's OpenAPI endpoint and the reading of its answer: the
 * envelope ({@code code} 0) on success, else a {@link TransportException} (no answer, HTTP status
 * with its Retry-After), a {@link MalformedResponseException} or a {@link VendorException}. It
 * neither retries nor waits for permits; the steps around it do.
 */
final class SignedTransport {
  private final WebClient web;
  private final TracksolidAccount account;
  private final Duration requestTimeout;
  private final Clock clock;

  SignedTransport(Vertx vertx, TracksolidAccount account, TracksolidConfig config, Clock clock) {
    this.account = account;
    this.requestTimeout = config.requestTimeout();
    this.clock = clock;
    this.web =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setUserAgent("tracksolid-ingest"),
            // One connection per call the limiter lets through, so no call times out waiting for a
            // socket.
            new PoolOptions().setHttp1MaxSize(Math.max(config.maxInflight(), 1)));
  }

  /**
   * Posts {@code method} with {@code params} (empty values are dropped), signed, with {@code token}
   * unless it is empty (the login).
   */
  Future<JsonObject> post(String method, Map<String, String> params, String token) {
    Map<String, String> all = new TreeMap<>();
    all.put("method", method);
    all.put("timestamp", Lenient.format(clock.instant()));
    all.put("app_key", account.appKey());
    all.put("sign_method", "md5");
    all.put("v", "1.0");
    all.put("format", "json");
    if (!token.isEmpty()) {
      all.put("access_token", token);
    }
    params.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            all.put(k, v);
          }
        });
    all.put("sign", Signer.sign(all, account.appSecret()));
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    all.forEach(form::add);
    return web.postAbs(account.baseUrl().toString())
        .timeout(requestTimeout.toMillis())
        .sendForm(form, "UTF-8")
        .transform(
            ar ->
                ar.succeeded()
                    ? envelope(method, ar.result())
                    : Future.failedFuture(transportFailure(method, ar.cause())));
  }

  void close() {
    web.close();
  }

  private Future<JsonObject> envelope(String method, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      return Future.failedFuture(
          new TransportException(
              method,
              TransportException.Kind.HTTP_STATUS,
              status,
              retryAfter(response.getHeader("Retry-After"), clock).orElse(null),
              "HTTP " + status,
              null));
    }
    String body = response.bodyAsString();
    JsonObject json;
    try {
      json = body == null ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(
          new MalformedResponseException(method, "not a JSON object", excerpt(body), e));
    }
    Optional<String> code = json == null ? Optional.empty() : Lenient.text(json, "code");
    if (code.isEmpty()) {
      return Future.failedFuture(
          new MalformedResponseException(method, "no code in envelope", excerpt(body), null));
    }
    if (!code.get().equals("0")) {
      return Future.failedFuture(
          new VendorException(method, code.get(), Lenient.text(json, "message", "msg").orElse("")));
    }
    return Future.succeededFuture(json);
  }

  private static TransportException transportFailure(String method, Throwable cause) {
    String text = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    boolean timeout =
        cause instanceof java.util.concurrent.TimeoutException
            || text.contains("timeout")
            || text.contains("timed out");
    return new TransportException(
        method,
        timeout ? TransportException.Kind.TIMEOUT : TransportException.Kind.CONNECTION,
        0,
        null,
        cause.getClass().getSimpleName() + ": " + cause.getMessage(),
        cause);
  }

  /** Retry-After as delta-seconds or an HTTP date; a date is read against the injected clock. */
  static Optional<Duration> retryAfter(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    Optional<Long> seconds = Lenient.parseLong(header);
    if (seconds.isPresent()) {
      return Optional.of(Duration.ofSeconds(Math.max(0, seconds.get())));
    }
    try {
      Instant at =
          ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The start of a body, for an exception's message. */
  static String excerpt(String body) {
    return body == null ? "" : body.substring(0, Math.min(200, body.length()));
  }
}
