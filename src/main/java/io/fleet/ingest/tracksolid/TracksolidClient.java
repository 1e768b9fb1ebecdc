package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.lease.VendorSlots;
import io.fleet.ingest.ops.IngestMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One account's connection to the Tracksolid OpenAPI, composed of small steps, outermost first:
 * {@link AccessTokens} (a cached single-flight token, one re-login on 1004) with {@link Retry}
 * (backoff with full jitter for transient failures), then per attempt {@link Permits} (the local
 * in-flight cap and the slots shared across replicas), the {@link CircuitBreaker} and the {@link
 * SignedTransport} (the signed form post and its envelope). All state lives on one Vert.x context
 * (the client's), so nothing is locked and nothing blocks; results are handed back on the caller's
 * context. The breaker stays local to the replica: it judges the outcomes this replica saw.
 */
public final class TracksolidClient {
  private final Context context;
  private final TracksolidAccount account;
  private final IngestMetrics metrics;
  private final SignedTransport transport;
  private final CircuitBreaker breaker;
  private final Permits permits;
  private final AccessTokens tokens;

  /** A client whose cap holds in this process only (tools and tests without a database). */
  public TracksolidClient(
      Vertx vertx,
      TracksolidAccount account,
      TracksolidConfig config,
      Clock clock,
      MeterRegistry registry) {
    this(vertx, account, config, clock, registry, Optional.empty());
  }

  /** {@code shared} keeps the account's cap across replicas (see {@link VendorSlots}). */
  public TracksolidClient(
      Vertx vertx,
      TracksolidAccount account,
      TracksolidConfig config,
      Clock clock,
      MeterRegistry registry,
      Optional<VendorSlots> shared) {
    this.context = vertx.getOrCreateContext();
    this.account = account;
    this.metrics = new IngestMetrics(registry);
    this.transport = new SignedTransport(vertx, account, config, clock);
    this.breaker = new CircuitBreaker(config.breakerThreshold(), config.breakerOpen(), clock);
    this.permits =
        new Permits(
            vertx,
            account.name(),
            config.maxInflight(),
            config.queueLimit(),
            config.requestTimeout(),
            clock,
            shared);
    Retry retry =
        new Retry(
            vertx,
            new Backoff(config.retryBaseDelay(), config.retryMaxDelay()),
            config.retryAttempts(),
            metrics,
            account.name());
    this.tokens = new AccessTokens(account, config, clock, retry, this::send);
    Gauge.builder(IngestMetrics.VENDOR_CIRCUIT_STATE, breaker, b -> b.state().gauge())
        .description("0 closed, 1 half-open, 2 open")
        .tag("account", account.name())
        .register(registry);
    Gauge.builder(IngestMetrics.VENDOR_INFLIGHT, permits, Permits::inflight)
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
    return permits.inflight();
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
    return onContext(() -> tokens.call(method, params));
  }

  public void close() {
    transport.close();
  }

  /**
   * One attempt, counted by its outcome. The breaker is asked when the call gets its local permit,
   * not when it joins the queue, so calls that queued before it opened fail fast instead of
   * reaching a vendor that is down; and it hears the outcome before the permits are released, so
   * the next queued call already sees the new state.
   */
  private Future<JsonObject> send(String method, Map<String, String> params, String token) {
    return permits
        .run(
            method,
            () -> breaker.state() == CircuitBreaker.State.OPEN ? circuitOpen(method) : null,
            () ->
                breaker.guard(
                    () -> transport.post(method, params, token), () -> circuitOpen(method)))
        .andThen(
            ar ->
                metrics.vendorCalls(account.name(), method, code(method, ar.cause())).increment());
  }

  /**
   * The outcome's metric code: 0, or the failure's; a failure of no known kind counts as a
   * connection failure.
   */
  private static String code(String method, Throwable failure) {
    if (failure == null) {
      return "0";
    }
    return failure instanceof TracksolidException t
        ? t.metricCode()
        : new TransportException(
                method,
                TransportException.Kind.CONNECTION,
                0,
                null,
                String.valueOf(failure),
                failure)
            .metricCode();
  }

  private UnavailableException circuitOpen(String method) {
    return new UnavailableException(
        method,
        UnavailableException.Reason.CIRCUIT_OPEN,
        "circuit open for account " + account.name());
  }

  // Same context means the very same object; contexts have no value equality.
  @SuppressWarnings("ReferenceEquality")
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
