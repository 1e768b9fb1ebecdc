package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.tracksolid.Signer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Tracksolid OpenAPI at POST /route/rest, emulated from the reference: common parameters and
 * the MD5 signature are checked (v=0.9 skips the signature, as the vendor's test mode), tokens
 * expire on the simulator's clock, and the business methods come from {@link SimMethods}. Tests
 * read {@link #calls(String)}, {@link #maxConcurrency(String)}, {@link #fleet()} and {@link
 * #servedRows()}, and steer it with {@link #faults()} and {@link #invalidateTokens()}.
 *
 * <p>Codes: 1007 for a non-POST, 1001 for a missing/invalid common parameter, unknown app_key,
 * timestamp outside ±10 minutes or a bad signature (message "Illegal sign"), 1004 for a missing,
 * unknown, expired or invalidated token, 1002 for a wrong password or an account outside the user's
 * tree.
 */
public final class TracksolidSimulator {
  public static final String PATH = "/route/rest";
  public static final String LOGIN = "jimi.oauth.token.get";

  private final Vertx vertx;
  private final SimulatorOptions options;
  private final SyntheticFleet fleet;
  private final SimMethods methods;
  private final FaultPlan faults;
  private final ServedRows servedRows = new ServedRows();
  private final GarbageMaker garbage;
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, List<Instant>> arrivals = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inflight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> maxInflight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inflightByMethod = new ConcurrentHashMap<>();
  private final AtomicLong tokenSeq = new AtomicLong();

  public TracksolidSimulator(Vertx vertx, SimulatorOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.fleet = new SyntheticFleet(options);
    this.faults = new FaultPlan(options.garbage());
    this.garbage = new GarbageMaker(faults::garbage, servedRows);
    this.methods = new SimMethods(fleet, options, garbage);
  }

  public void mount(Router router) {
    // No file uploads: the default handler would create ./file-uploads in the working directory.
    router.route(PATH).handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    router.route(PATH).handler(this::handle);
  }

  public SyntheticFleet fleet() {
    return fleet;
  }

  public SimulatorOptions options() {
    return options;
  }

  public FaultPlan faults() {
    return faults;
  }

  /** Ground truth of the vendor garbage: each row its covered methods served, clean or broken. */
  public ServedRows servedRows() {
    return servedRows;
  }

  /** From now on start_row counts from {@code base} (0 or 1), as if the vendor changed it. */
  public void startRowBase(int base) {
    methods.startRowBase(base);
  }

  /** Every token issued so far stops working: the next call with one gets 1004. */
  public void invalidateTokens() {
    tokens.clear();
  }

  /** Requests received for {@code method} (logins are {@value #LOGIN}), faulty ones included. */
  public long calls(String method) {
    AtomicLong c = calls.get(method);
    return c == null ? 0 : c.get();
  }

  /** When each request for {@code method} arrived, on the simulator's clock, in arrival order. */
  public List<Instant> arrivals(String method) {
    return List.copyOf(arrivals.getOrDefault(method, List.of()));
  }

  /** Highest number of requests carrying {@code appKey} handled at the same time. */
  public int maxConcurrency(String appKey) {
    AtomicInteger m = maxInflight.get(appKey);
    return m == null ? 0 : m.get();
  }

  /**
   * Requests for {@code method} received and not yet answered (a delayed answer counts until it is
   * sent).
   */
  public int inflight(String method) {
    AtomicInteger n = inflightByMethod.get(method);
    return n == null ? 0 : n.get();
  }

  public void resetCounters() {
    calls.clear();
    arrivals.clear();
    maxInflight.clear();
  }

  private void handle(RoutingContext ctx) {
    Map<String, String> p = new HashMap<>();
    ctx.request().params().forEach(e -> p.put(e.getKey(), e.getValue()));
    ctx.request().formAttributes().forEach(e -> p.put(e.getKey(), e.getValue()));
    String method = p.getOrDefault("method", "");
    String appKey = p.getOrDefault("app_key", "");
    calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
    arrivals
        .computeIfAbsent(method, m -> new CopyOnWriteArrayList<>())
        .add(options.clock().instant());
    int now = inflight.computeIfAbsent(appKey, k -> new AtomicInteger()).incrementAndGet();
    maxInflight.computeIfAbsent(appKey, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    inflightByMethod.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    Optional<Fault> fault = faults.next(method);
    if (fault.isPresent() && fault.get().kind() == Fault.Kind.DELAY) {
      vertx.setTimer(
          Math.max(1, fault.get().duration().toMillis()),
          id -> answer(ctx, p, method, appKey, Optional.empty()));
    } else {
      answer(ctx, p, method, appKey, fault);
    }
  }

  private void answer(
      RoutingContext ctx,
      Map<String, String> p,
      String method,
      String appKey,
      Optional<Fault> fault) {
    int status = 200;
    String retryAfter = null;
    String body;
    if (fault.isPresent() && fault.get().kind() == Fault.Kind.HTTP_STATUS) {
      status = fault.get().status();
      if (!fault.get().duration().isZero()) {
        retryAfter =
            Fault.HTTP_DATE.equals(fault.get().code())
                ? DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    options.clock().instant().plus(fault.get().duration()).atOffset(ZoneOffset.UTC))
                : Long.toString(fault.get().duration().toSeconds());
      }
      body = "<html><body>" + status + "</body></html>";
    } else if (fault.isPresent() && fault.get().kind() == Fault.Kind.MALFORMED_JSON) {
      body = "{\"code\":0,\"result\":[{\"imei\":\"8681";
    } else if (fault.isPresent() && fault.get().kind() == Fault.Kind.VENDOR_CODE) {
      body = envelope(fault.get().code(), "injected fault", new JsonObject()).encode();
    } else {
      if (fault.isPresent() && fault.get().kind() == Fault.Kind.INVALIDATE_TOKENS) {
        tokens.clear();
      }
      body = process(ctx, p, method, fault).encode();
      if (garbage.covers(method)) {
        body = GarbageMaker.escapeLoneSurrogates(body);
      }
    }
    inflight.get(appKey).decrementAndGet();
    inflightByMethod.get(method).decrementAndGet();
    var response =
        ctx.response()
            .setStatusCode(status)
            .putHeader("Content-Type", "application/json;charset=UTF-8");
    if (retryAfter != null) {
      response.putHeader("Retry-After", retryAfter);
    }
    response.end(body);
  }

  private JsonObject process(
      RoutingContext ctx, Map<String, String> p, String method, Optional<Fault> fault) {
    try {
      if (!io.vertx.core.http.HttpMethod.POST.equals(ctx.request().method())) {
        throw new SimError("1007", "request method must be POST");
      }
      checkCommon(p);
      if (method.equals(LOGIN)) {
        return login(p);
      }
      String token = p.get("access_token");
      Instant expires = token == null ? null : tokens.get(token);
      if (expires == null || !options.clock().instant().isBefore(expires)) {
        throw new SimError("1004", "access_token invalid or expired");
      }
      boolean repeat = fault.map(f -> f.kind() == Fault.Kind.REPEAT_PAGE).orElse(false);
      JsonObject fields = methods.answer(method, p, repeat);
      if (fault.map(f -> f.kind() == Fault.Kind.GARBAGE_TIMESTAMPS).orElse(false)) {
        Fault.addGarbageTimestamps(fields);
      }
      return envelope("0", "success", fields);
    } catch (SimError e) {
      return envelope(e.code, e.getMessage(), new JsonObject());
    }
  }

  private void checkCommon(Map<String, String> p) {
    for (String name : new String[] {"method", "timestamp", "app_key", "sign_method", "sign"}) {
      if (p.getOrDefault(name, "").isEmpty()
          && !(name.equals("sign") && "0.9".equals(p.get("v")))) {
        throw new SimError("1001", "missing parameter " + name);
      }
    }
    if (!p.get("app_key").equals(options.appKey())) {
      throw new SimError("1001", "app_key invalid");
    }
    Instant ts =
        Lenient.parseTime(p.get("timestamp"))
            .orElseThrow(() -> new SimError("1001", "timestamp must be yyyy-MM-dd HH:mm:ss"));
    if (Duration.between(ts, options.clock().instant()).abs().compareTo(Duration.ofMinutes(10))
        > 0) {
      throw new SimError("1001", "timestamp differs from server time by more than 10 minutes");
    }
    if (!"0.9".equals(p.get("v"))) {
      String expected = Signer.sign(p, options.appSecret());
      if (!expected.equalsIgnoreCase(p.get("sign"))) {
        throw new SimError("1001", "Illegal sign");
      }
    }
  }

  private JsonObject login(Map<String, String> p) {
    if (!options.userId().equals(p.get("user_id"))
        || !Signer.md5Hex(options.password())
            .equals(p.getOrDefault("user_pwd_md5", "").toLowerCase(Locale.ROOT))) {
      throw new SimError("1002", "user or password wrong");
    }
    long asked;
    try {
      asked = Long.parseLong(p.getOrDefault("expires_in", "7200"));
    } catch (NumberFormatException e) {
      throw new SimError("1001", "expires_in is not a number");
    }
    if (asked < 60 || asked > 7200) {
      throw new SimError("1001", "expires_in must be 60-7200");
    }
    long lifetime = Math.min(asked, options.tokenLifetime().toSeconds());
    String token =
        Signer.md5Hex(options.seed() + ":" + tokenSeq.incrementAndGet() + ":" + System.nanoTime());
    Instant now = options.clock().instant();
    tokens.put(token, now.plusSeconds(lifetime));
    return envelope(
        "0",
        "success",
        new JsonObject()
            .put(
                "result",
                new JsonObject()
                    .put("appKey", options.appKey())
                    .put("account", options.userId())
                    .put("accessToken", token)
                    .put("expiresIn", Long.toString(lifetime))
                    .put("refreshToken", token)
                    .put("time", Lenient.format(now))));
  }

  private static JsonObject envelope(String code, String message, JsonObject fields) {
    JsonObject env =
        new JsonObject().put("code", code.equals("0") ? (Object) 0 : code).put("message", message);
    if (!fields.containsKey("result")) {
      env.putNull("result");
    }
    env.mergeIn(fields);
    return env;
  }
}
