package io.fleet.ingest.simulator.nominatim;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * A stand-in for Nominatim's {@code GET /reverse} that behaves like the public server where it
 * matters to a client: deterministic jsonv2 addresses, {"error":"Unable to geocode"} with HTTP 200
 * where there is nothing, an HTML "Access blocked" 403 for missing or stock User-Agents, 429 when
 * called faster than its rate, optional forced 429/5xx answers and slow responses. It records every
 * call, so tests can check the rate a client really kept.
 */
public final class NominatimSimulator {
  private static final Pattern STOCK_AGENT =
      Pattern.compile(
          "(?i)^\\s*(java|vert\\.?x|python|python-requests|python-urllib|curl|wget|okhttp|apache-httpclient|"
              + "go-http-client|node-fetch|axios|libwww-perl|mozilla/5\\.0|geopy|reactor-netty)\\b.*");
  private static final long SECOND = 1_000_000_000L;
  private static final String BLOCKED_PAGE =
      """
      <!DOCTYPE html><html><head><title>Access blocked</title></head><body><h1>Access blocked</h1>
      <p>You have been blocked because you have violated the usage policy of OSM's Nominatim geocoding
      service. Please be aware that OSM's resources are limited and shared between many users.</p>
      </body></html>""";

  /**
   * Forces {@code status} for calls number {@code firstCall} .. firstCall+count-1 (1-based, all
   * calls).
   */
  public record Fault(int firstCall, int count, int status) {}

  /**
   * How the simulator answers.
   *
   * @param ratePerSecond calls allowed in any one second before 429; 0 or less means no limit
   * @param requireUserAgent refuse a missing or stock library User-Agent with the HTML 403
   * @param latency delay before each answer
   * @param noAddress points (as asked) with {"error":"Unable to geocode"}
   * @param faults forced answers by call number
   */
  public record Options(
      double ratePerSecond,
      boolean requireUserAgent,
      Duration latency,
      BiPredicate<Double, Double> noAddress,
      List<Fault> faults) {

    /** The public server's limit, open ocean south of 60°S has no address. */
    public static Options defaults() {
      return new Options(1, true, Duration.ZERO, (lat, lng) -> lat < -60, List.of());
    }

    public Options withRate(double perSecond) {
      return new Options(perSecond, requireUserAgent, latency, noAddress, faults);
    }

    public Options withRequireUserAgent(boolean require) {
      return new Options(ratePerSecond, require, latency, noAddress, faults);
    }

    public Options withLatency(Duration delay) {
      return new Options(ratePerSecond, requireUserAgent, delay, noAddress, faults);
    }

    public Options withNoAddress(BiPredicate<Double, Double> where) {
      return new Options(ratePerSecond, requireUserAgent, latency, where, faults);
    }

    public Options withFaults(Fault... forced) {
      return new Options(ratePerSecond, requireUserAgent, latency, noAddress, List.of(forced));
    }
  }

  /** One request as it arrived, and what it was answered. */
  public record Call(
      long arrivedNanos,
      String lat,
      String lon,
      String format,
      String zoom,
      String acceptLanguage,
      String addressDetails,
      String userAgent,
      int status) {}

  private final Options options;
  private final ConcurrentLinkedDeque<Call> calls = new ConcurrentLinkedDeque<>();
  private final AtomicLong callNumber = new AtomicLong();
  private final AtomicInteger forcedRemaining = new AtomicInteger();
  private volatile int forcedStatus;

  public NominatimSimulator(Options options) {
    this.options = options;
  }

  public NominatimSimulator() {
    this(Options.defaults());
  }

  public void mount(Router router) {
    router.get("/reverse").handler(this::reverse);
  }

  /** From now on answer the next {@code count} calls with {@code status} (429, 500, 503 ...). */
  public void failNext(int status, int count) {
    forcedStatus = status;
    forcedRemaining.set(count);
  }

  public long totalCalls() {
    return calls.size();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public long callsAnswered(int status) {
    return calls.stream().filter(c -> c.status() == status).count();
  }

  /** The most calls that arrived within any one-second window [t, t + 1 s). */
  public int maxCallsInAnyOneSecondWindow() {
    List<Long> times = new ArrayList<>(calls.stream().map(Call::arrivedNanos).sorted().toList());
    int best = 0;
    int start = 0;
    for (int end = 0; end < times.size(); end++) {
      while (times.get(end) - times.get(start) >= SECOND) {
        start++;
      }
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  public void reset() {
    calls.clear();
    callNumber.set(0);
  }

  private void reverse(RoutingContext ctx) {
    long now = System.nanoTime();
    long number = callNumber.incrementAndGet();
    String lat = ctx.request().getParam("lat");
    String lon = ctx.request().getParam("lon");
    String format = ctx.request().getParam("format");
    String agent = ctx.request().getHeader("User-Agent");
    int recentIncludingThis =
        1 + (int) calls.stream().filter(c -> now - c.arrivedNanos() < SECOND).count();

    int status;
    String contentType = "application/json; charset=utf-8";
    String body;
    Integer forced = forced(number);
    if (options.requireUserAgent()
        && (agent == null || agent.isBlank() || STOCK_AGENT.matcher(agent).matches())) {
      status = 403;
      contentType = "text/html; charset=utf-8";
      body = BLOCKED_PAGE;
    } else if (forced != null && forced == 403) {
      status = 403;
      contentType = "text/html; charset=utf-8";
      body = BLOCKED_PAGE;
    } else if (forced != null) {
      status = forced;
      body =
          status == 429
              ? "{\"error\":{\"code\":429,\"message\":\"Too Many Requests\"}}"
              : "<html><body><h1>" + status + " Server Error</h1></body></html>";
      if (status != 429) {
        contentType = "text/html; charset=utf-8";
      }
    } else if (options.ratePerSecond() > 0
        && recentIncludingThis > Math.max(1, (int) options.ratePerSecond())) {
      status = 429;
      body = "{\"error\":{\"code\":429,\"message\":\"Too Many Requests\"}}";
    } else if (lat == null || lon == null) {
      status = 400;
      body =
          new JsonObject()
              .put(
                  "error",
                  new JsonObject()
                      .put("code", 400)
                      .put("message", "Parameter '" + (lat == null ? "lat" : "lon") + "' missing."))
              .encode();
    } else {
      Double la = parse(lat);
      Double lo = parse(lon);
      if (la == null || lo == null || Math.abs(la) > 90 || Math.abs(lo) > 180) {
        status = 400;
        body =
            new JsonObject()
                .put(
                    "error",
                    new JsonObject().put("code", 400).put("message", "Invalid coordinates"))
                .encode();
      } else if (format != null && !format.equals("jsonv2") && !format.equals("json")) {
        status = 400;
        body =
            new JsonObject()
                .put(
                    "error",
                    new JsonObject()
                        .put("code", 400)
                        .put("message", "Simulator answers format=jsonv2 or json only"))
                .encode();
      } else if (options.noAddress().test(la, lo)) {
        status = 200;
        body = "{\"error\":\"Unable to geocode\"}";
      } else {
        status = 200;
        body = SimPlace.of(la, lo).encode();
      }
    }
    calls.add(
        new Call(
            now,
            lat,
            lon,
            format,
            ctx.request().getParam("zoom"),
            ctx.request().getParam("accept-language"),
            ctx.request().getParam("addressdetails"),
            agent,
            status));
    int finalStatus = status;
    String finalType = contentType;
    Runnable answer =
        () ->
            ctx.response()
                .setStatusCode(finalStatus)
                .putHeader("Content-Type", finalType)
                .end(body);
    if (options.latency().isZero() || options.latency().isNegative()) {
      answer.run();
    } else {
      ctx.vertx().setTimer(Math.max(1, options.latency().toMillis()), id -> answer.run());
    }
  }

  private Integer forced(long number) {
    for (Fault f : options.faults()) {
      if (number >= f.firstCall() && number < (long) f.firstCall() + f.count()) {
        return f.status();
      }
    }
    if (forcedRemaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return forcedStatus;
    }
    return null;
  }

  /**
   * The address a point gets: made from its rounded coordinates, so the same point always answers
   * alike.
   */
  public static String displayName(double lat, double lng) {
    return SimPlace.of(lat, lng).getString("display_name");
  }

  private static Double parse(String raw) {
    try {
      return Double.parseDouble(raw.trim().toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
