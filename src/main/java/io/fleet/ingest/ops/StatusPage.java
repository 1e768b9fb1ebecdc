package io.fleet.ingest.ops;

import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GET / on the management listener: an operator's page of streams, spool, vendor, geocoder,
 * quarantine and the fleet's last positions, drawn from /api/status and /api/fleet. Its three files
 * ship in the jar and are served from memory (no file cache on disk); nothing is loaded from
 * elsewhere, and the Content-Security-Policy says so to the browser.
 *
 * <p>Fleet positions are sensitive: on a loopback METRICS_HOST only local users reach the page; on
 * any other address the page and its JSON need STATUS_PASSWORD (HTTP Basic, any user name), and
 * without one they answer 403.
 */
public final class StatusPage {
  static final String CSP =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  private static final Map<String, String> FILES =
      Map.of("/", "index.html", "/status.js", "status.js", "/status.css", "status.css");

  private final Map<String, Asset> assets;

  private record Asset(Buffer body, String contentType) {}

  private StatusPage(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** Reads the page's files from the jar on a worker thread. */
  static Future<StatusPage> load(Vertx vertx) {
    return vertx.executeBlocking(
        () -> {
          Map<String, Asset> assets = new LinkedHashMap<>();
          for (Map.Entry<String, String> f : FILES.entrySet()) {
            try (InputStream in = StatusPage.class.getResourceAsStream("/status/" + f.getValue())) {
              if (in == null) {
                throw new IOException("status page file missing from the jar: " + f.getValue());
              }
              assets.put(
                  f.getKey(),
                  new Asset(Buffer.buffer(in.readAllBytes()), contentType(f.getValue())));
            }
          }
          return new StatusPage(assets);
        },
        false);
  }

  void mount(Router router, Handler<RoutingContext> access) {
    router.route("/").handler(access);
    router.route("/status.*").handler(access);
    router.route("/api/*").handler(access);
    for (Map.Entry<String, Asset> a : assets.entrySet()) {
      router
          .get(a.getKey())
          .handler(
              ctx ->
                  ctx.response()
                      .putHeader("Content-Type", a.getValue().contentType())
                      .putHeader("Content-Security-Policy", CSP)
                      .putHeader("X-Content-Type-Options", "nosniff")
                      .putHeader("Referrer-Policy", "no-referrer")
                      .putHeader("Cache-Control", "no-cache")
                      .end(a.getValue().body()));
    }
  }

  private static String contentType(String file) {
    return file.endsWith(".html")
        ? "text/html; charset=utf-8"
        : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  }

  /** Who may see the status page and its JSON: see the class comment. */
  static Handler<RoutingContext> access(String bindHost, Optional<String> password) {
    if (isLoopback(bindHost)) {
      return RoutingContext::next;
    }
    if (password.isEmpty()) {
      return ctx ->
          ctx.fail(
              new HttpFailure(
                  403,
                  "forbidden",
                  "The status page is served only on a loopback "
                      + "METRICS_HOST, or with STATUS_PASSWORD set."));
    }
    byte[] expected = password.get().getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      if (presentedPassword(ctx.request().getHeader("Authorization"))
          .map(p -> MessageDigest.isEqual(p, expected))
          .orElse(false)) {
        ctx.next();
        return;
      }
      ctx.response()
          .putHeader(
              "WWW-Authenticate", "Basic realm=\"tracksolid-ingest status\", charset=\"UTF-8\"");
      ctx.fail(
          new HttpFailure(
              401, "unauthorized", "The status page needs STATUS_PASSWORD (HTTP Basic)."));
    };
  }

  private static Optional<byte[]> presentedPassword(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(header.substring(6).trim());
      String pair = new String(decoded, StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0
          ? Optional.empty()
          : Optional.of(pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  static boolean isLoopback(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equals("localhost")
        || h.startsWith("127.")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }
}
