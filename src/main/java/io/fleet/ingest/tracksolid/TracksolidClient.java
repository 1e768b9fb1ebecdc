package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.lease.VendorSlots;
import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One account's connection to the Tracksolid OpenAPI: signed form posts, a cached single-flight
 * token, retries with backoff for transient failures, a circuit breaker and an in-flight cap. All
 * state lives on one Vert.x context (the client's), so nothing is locked and nothing blocks;
 * results are handed back on the caller's context.
 *
 * <p>The cap is kept twice: a local limiter queues this replica's calls without touching the
 * database, and, when {@link VendorSlots} are given (the service always gives them), each call also
 * holds one of the account's slots shared by every replica, so the account sees at most {@code
 * maxInflight} calls in flight whichever replicas make them. The breaker stays local to the
 * replica: it judges the outcomes this replica saw.
 */
public final class TracksolidClient {
  private static final Logger log = LoggerFactory.getLogger(TracksolidClient.class);
  static final String LOGIN = "jimi.oauth.token.get";
  // A claimed shared slot lives this long unless renewed; renewed well before, while its call runs.
  // A replica that dies mid-call frees its slots within SLOT_TTL.
  private static final Duration SLOT_TTL = Duration.ofSeconds(10);
  private static final Duration SLOT_RENEW = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final Context context;
  private final WebClient web;
  private final TracksolidAccount account;
  private final TracksolidConfig config;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final Backoff backoff;
  private final CircuitBreaker breaker;
  private final InflightLimiter limiter;
  private final TokenCache tokens;
  private final Optional<VendorSlots> shared;
  private final Duration claimWait;
  private Future<Void> slotsReady;

  /** A client whose cap holds in this process only (tools and tests without a database). */
  public TracksolidClient(
      Vertx vertx,
      TracksolidAccount account,
      TracksolidConfig config,
      Clock clock,
      MeterRegistry registry) {
    this(vertx, account, config, clock, registry, Optional.empty());
  }

  public TracksolidClient(
      Vertx vertx,
      TracksolidAccount account,
      TracksolidConfig config,
      Clock clock,
      MeterRegistry registry,
      Optional<VendorSlots> shared) {
    this.vertx = vertx;
    this.shared = shared;
    // The longest other replicas may legitimately hold every slot: a call runs at most the request
    // timeout, whose retries wait outside the slot.
    this.claimWait = config.requestTimeout().multipliedBy(2).plusSeconds(30);
    this.context = vertx.getOrCreateContext();
    this.account = account;
    this.config = config;
    this.clock = clock;
    this.metrics = new IngestMetrics(registry);
    this.web =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setUserAgent("tracksolid-ingest"),
            // One connection per call the limiter lets through, so no call times out waiting for a
            // socket.
            new io.vertx.core.http.PoolOptions()
                .setHttp1MaxSize(Math.max(config.maxInflight(), 1)));
    this.backoff = new Backoff(config.retryBaseDelay(), config.retryMaxDelay());
    this.breaker = new CircuitBreaker(config.breakerThreshold(), config.breakerOpen(), clock);
    this.limiter = new InflightLimiter(config.maxInflight(), config.queueLimit());
    this.tokens = new TokenCache(this::login, clock, config.tokenMargin());
    Gauge.builder(IngestMetrics.VENDOR_CIRCUIT_STATE, breaker, b -> b.state().gauge())
        .description("0 closed, 1 half-open, 2 open")
        .tag("account", account.name())
        .register(registry);
    Gauge.builder(IngestMetrics.VENDOR_INFLIGHT, limiter, InflightLimiter::inflight)
        .description("Vendor calls in flight")
        .tag("account", account.name())
        .register(registry);
  }

  public TracksolidAccount account() {
    return account;
  }

  public CircuitBreaker.State circuitState() {
    return breaker.state();
  }

  public int inflight() {
    return limiter.inflight();
  }

  /** Logins made so far (a fresh token, including re-logins after 1004). */
  public long logins() {
    return tokens.logins();
  }

  /**
   * Calls {@code method} with {@code params} (empty values are dropped) and returns the whole
   * envelope ({@code code} 0) so callers can read {@code result} or {@code data}. Fails with a
   * {@link TracksolidException}.
   */
  public Future<JsonObject> call(String method, Map<String, String> params) {
    return onContext(() -> attempt(method, params, true, 1, false));
  }

  public void close() {
    web.close();
  }

  private Future<JsonObject> attempt(
      String method,
      Map<String, String> params,
      boolean needsToken,
      int attemptNo,
      boolean relogged) {
    Future<String> token = needsToken ? tokens.get() : Future.succeededFuture("");
    // A failed login already went through its own retries; it is not retried again here.
    return token.compose(
        tok ->
            guardedPost(method, params, tok)
                .recover(
                    err -> {
                      if (err instanceof VendorException v
                          && v.tokenInvalid()
                          && needsToken
                          && !relogged) {
                        log.info(
                            "tracksolid {} {}: token rejected (1004), logging in again once",
                            account.name(),
                            method);
                        tokens.invalidate(tok);
                        return attempt(method, params, true, attemptNo, true);
                      }
                      if (err instanceof TracksolidException t
                          && t.retryable()
                          && attemptNo < config.retryAttempts()) {
                        Duration delay = backoff.delay(attemptNo, t.retryAfter());
                        metrics.vendorRetries(account.name(), method).increment();
                        log.info(
                            "tracksolid {} {}: {} on attempt {}, retrying in {} ms",
                            account.name(),
                            method,
                            t.metricCode(),
                            attemptNo,
                            delay.toMillis());
                        return timer(delay)
                            .compose(
                                v -> attempt(method, params, needsToken, attemptNo + 1, relogged));
                      }
                      return Future.failedFuture(err);
                    }));
  }

  private Future<JsonObject> guardedPost(String method, Map<String, String> params, String token) {
    // The breaker is asked when the call gets its slot, not when it joins the queue, so calls that
    // queued before it opened fail fast instead of reaching a vendor that is down; and it hears the
    // outcome before the slot is released, so the next queued call already sees the new state.
    return limiter
        .run(
            () -> {
              if (breaker.state() == CircuitBreaker.State.OPEN) {
                return Future.<JsonObject>failedFuture(circuitOpen(method));
              }
              return sharedSlot(method)
                  .compose(
                      slot -> {
                        CircuitBreaker.Permit permit = breaker.tryAcquire();
                        if (permit == CircuitBreaker.Permit.REFUSED) {
                          return releaseShared(slot, Future.failedFuture(circuitOpen(method)));
                        }
                        long renewal = renewWhileRunning(slot);
                        Future<JsonObject> outcome =
                            post(method, params, token)
                                .andThen(
                                    ar -> {
                                      vertx.cancelTimer(renewal);
                                      if (ar.succeeded()
                                          || !(ar.cause() instanceof TracksolidException t
                                                  && t.retryable())
                                              && ar.cause() instanceof TracksolidException) {
                                        // Success, or a permanent vendor answer: either proves the
                                        // vendor is up.
                                        breaker.onSuccess(permit);
                                      } else {
                                        breaker.onFailure(permit);
                                      }
                                    });
                        // The shared slot is freed before the local one, so the next local call
                        // finds it free.
                        return outcome.transform(
                            ar ->
                                releaseShared(
                                    slot,
                                    ar.succeeded()
                                        ? Future.succeededFuture(ar.result())
                                        : Future.failedFuture(ar.cause())));
                      });
            },
            () ->
                new UnavailableException(
                    method,
                    UnavailableException.Reason.QUEUE_FULL,
                    "wait queue full for account " + account.name()))
        .andThen(
            ar -> {
              String code = "0";
              if (ar.failed()) {
                code =
                    ar.cause() instanceof TracksolidException t
                        ? t.metricCode()
                        : new TransportException(
                                method,
                                TransportException.Kind.CONNECTION,
                                0,
                                null,
                                String.valueOf(ar.cause()),
                                ar.cause())
                            .metricCode();
              }
              metrics.vendorCalls(account.name(), method, code).increment();
            });
  }

  private UnavailableException circuitOpen(String method) {
    return new UnavailableException(
        method,
        UnavailableException.Reason.CIRCUIT_OPEN,
        "circuit open for account " + account.name());
  }

  /** One of the account's slots shared across replicas, or null without shared slots. */
  private Future<VendorSlots.Slot> sharedSlot(String method) {
    if (shared.isEmpty()) {
      return Future.succeededFuture(null);
    }
    if (slotsReady == null || slotsReady.failed()) {
      slotsReady = shared.get().ensure(account.name(), config.maxInflight());
    }
    Instant deadline = clock.instant().plus(claimWait);
    long startNanos = System.nanoTime();
    return slotsReady
        .compose(v -> claim(method, deadline, startNanos, 10))
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof UnavailableException
                        ? err
                        : new UnavailableException(
                            method,
                            UnavailableException.Reason.NO_SHARED_SLOT,
                            "shared slots of account "
                                + account.name()
                                + " unavailable: "
                                + err.getClass().getSimpleName())));
  }

  private Future<VendorSlots.Slot> claim(
      String method, Instant deadline, long startNanos, long pauseMs) {
    return shared
        .get()
        .tryClaim(account.name(), config.maxInflight(), SLOT_TTL)
        .compose(
            slot -> {
              if (slot.isPresent()) {
                return Future.succeededFuture(slot.get());
              }
              // Both the held clock and the elapsed time bound the wait, so a frozen test clock
              // cannot hang it.
              if (!clock.instant().isBefore(deadline)
                  || System.nanoTime() - startNanos > claimWait.toNanos()) {
                return Future.failedFuture(
                    new UnavailableException(
                        method,
                        UnavailableException.Reason.NO_SHARED_SLOT,
                        "no shared slot of account "
                            + account.name()
                            + " freed within "
                            + claimWait.toSeconds()
                            + " s"));
              }
              // Other replicas' calls hold every slot: ask again shortly, less often the longer it
              // lasts.
              return timer(Duration.ofMillis(pauseMs))
                  .compose(x -> claim(method, deadline, startNanos, Math.min(pauseMs * 2, 200)));
            });
  }

  /**
   * Keeps {@code slot} claimed while its call runs; the returned timer id is cancelled on release.
   */
  private long renewWhileRunning(VendorSlots.Slot slot) {
    if (slot == null) {
      return -1;
    }
    return vertx.setPeriodic(
        SLOT_RENEW.toMillis(),
        id ->
            shared
                .get()
                .renew(slot, SLOT_TTL)
                .onComplete(
                    ar -> {
                      if (ar.failed() || !ar.result()) {
                        log.warn(
                            "tracksolid {}: shared slot {} could not be renewed ({})",
                            account.name(),
                            slot.slot(),
                            ar.failed() ? ar.cause().getClass().getSimpleName() : "lost");
                      }
                    }));
  }

  private <T> Future<T> releaseShared(VendorSlots.Slot slot, Future<T> outcome) {
    if (slot == null) {
      return outcome;
    }
    return shared
        .get()
        .release(slot)
        .onFailure(
            err ->
                log.warn(
                    "tracksolid {}: could not free shared slot {} ({}); it expires in {} s",
                    account.name(),
                    slot.slot(),
                    err.getClass().getSimpleName(),
                    SLOT_TTL.toSeconds()))
        .transform(ar -> outcome);
  }

  private Future<JsonObject> post(String method, Map<String, String> params, String token) {
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
        .timeout(config.requestTimeout().toMillis())
        .sendForm(form, "UTF-8")
        .transform(
            ar ->
                ar.succeeded()
                    ? envelope(method, ar.result())
                    : Future.failedFuture(transportFailure(method, ar.cause())));
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

  private Future<TokenCache.Token> login() {
    Instant asked = clock.instant();
    Map<String, String> params =
        Map.of(
            "user_id",
            account.userId(),
            "user_pwd_md5",
            account.passwordMd5(),
            "expires_in",
            Integer.toString(config.tokenExpiresIn()));
    return attempt(LOGIN, params, false, 1, false)
        .compose(
            env -> {
              JsonObject result = env.getValue("result") instanceof JsonObject r ? r : null;
              Optional<String> token = Lenient.text(result, "accessToken");
              if (token.isEmpty()) {
                return Future.failedFuture(
                    new MalformedResponseException(
                        LOGIN, "no accessToken in result", excerpt(env.encode()), null));
              }
              long expiresIn =
                  Lenient.whole(result, "expiresIn").orElse((long) config.tokenExpiresIn());
              log.info("tracksolid {}: logged in, token valid for {} s", account.name(), expiresIn);
              return Future.succeededFuture(
                  new TokenCache.Token(token.get(), asked.plusSeconds(expiresIn)));
            });
  }

  private TransportException transportFailure(String method, Throwable cause) {
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

  private static String excerpt(String body) {
    return body == null ? "" : body.substring(0, Math.min(200, body.length()));
  }

  private Future<Void> timer(Duration delay) {
    if (delay.toMillis() < 1) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(delay.toMillis(), id -> promise.complete());
    return promise.future();
  }

  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    context.runOnContext(
        v -> {
          Future<T> result;
          try {
            result = work.get();
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          result.onComplete(
              ar -> {
                if (caller == null || caller == context) {
                  promise.handle(ar);
                } else {
                  caller.runOnContext(x -> promise.handle(ar));
                }
              });
        });
    return promise.future();
  }
}
