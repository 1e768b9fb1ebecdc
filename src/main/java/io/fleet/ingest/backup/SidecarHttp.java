package io.fleet.ingest.backup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The sidecar's small HTTP server: /health (the process is up), /ready (the last run, if any,
 * succeeded), /metrics (Prometheus text). The JDK's own server: the sidecar needs no event loop.
 */
public final class SidecarHttp implements AutoCloseable {
  private final HttpServer server;

  /** {@code notReady} answers null when ready, else why not. */
  public SidecarHttp(String host, int port, BackupMetrics metrics, Supplier<String> notReady)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "backup-http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
              send(
                  exchange,
                  405,
                  "application/json",
                  error("method_not_allowed", "Only GET is served here."));
              return;
            }
            switch (exchange.getRequestURI().getPath()) {
              case "/health" -> send(exchange, 200, "application/json", "{\"status\":\"up\"}");
              case "/ready" -> {
                String why = notReady.get();
                if (why == null) {
                  send(exchange, 200, "application/json", "{\"status\":\"ready\"}");
                } else {
                  send(exchange, 503, "application/json", error("not_ready", why));
                }
              }
              case "/metrics" ->
                  send(
                      exchange,
                      200,
                      "text/plain; version=0.0.4; charset=utf-8",
                      metrics.registry().scrape());
              default ->
                  send(exchange, 404, "application/json", error("not_found", "No such path."));
            }
          }
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static String error(String code, String message) {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode()
        .put("error", code)
        .put("message", message)
        .toString();
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
