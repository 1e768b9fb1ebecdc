package io.fleet.ingest.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real headless Chromium driven over the Chrome DevTools protocol, with the JDK's WebSocket client:
 * no driver, no extra dependency. One page; every protocol event is kept for the test.
 */
public final class Chromium implements AutoCloseable {
  /** CHROMIUM names the binary; else Debian's chromium on the PATH or in /usr/bin. */
  public static final Path BINARY =
      System.getenv("CHROMIUM") != null
          ? Path.of(System.getenv("CHROMIUM"))
          : Tools.find("chromium", Path.of("/usr/bin")).orElse(Path.of("/usr/bin/chromium"));

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<JsonObject> events = new ArrayList<>();

  private Chromium(Process process, WebSocket.Builder builder, URI page) throws Exception {
    this.process = process;
    this.socket =
        builder.buildAsync(page, new Listener()).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts Chromium headless with a fresh profile in {@code profile}, background networking off.
   */
  public static Chromium launch(Path profile, int width, int height) throws Exception {
    Process p =
        new ProcessBuilder(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--mute-audio",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--window-size=" + width + "," + height,
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
            .start();
    try {
      // Chromium names the port it picked in DevToolsActivePort inside the profile.
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Chromium did not open its DevTools port");
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI pageSocket = null;
      while (pageSocket == null) {
        String list =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        for (Object o : new JsonArray(list)) {
          JsonObject target = (JsonObject) o;
          if ("page".equals(target.getString("type"))) {
            pageSocket = URI.create(target.getString("webSocketDebuggerUrl"));
          }
        }
        if (pageSocket == null) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Chromium shows no page target");
          }
          Thread.sleep(50);
        }
      }
      return new Chromium(p, http.newWebSocketBuilder(), pageSocket);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** One protocol command; fails when Chromium answers with an error or not within 30 s. */
  // A send that fails shows as no answer within the deadline, which fails the call below.
  @SuppressWarnings("FutureReturnValueIgnored")
  public JsonObject call(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(
        new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true);
    try {
      JsonObject reply = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      if (reply.containsKey("error")) {
        throw new IllegalStateException(
            method + " failed: " + reply.getJsonObject("error").encode());
      }
      return reply.getJsonObject("result", new JsonObject());
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(method + " got no answer", e);
    } finally {
      pending.remove(id);
    }
  }

  public JsonObject call(String method) {
    return call(method, new JsonObject());
  }

  /** Evaluates {@code expression} in the page and returns its value (JSON-compatible). */
  public Object evaluate(String expression) {
    JsonObject result =
        call(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException(
          "page threw: " + result.getJsonObject("exceptionDetails").encode());
    }
    return result.getJsonObject("result").getValue("value");
  }

  /**
   * Console errors, uncaught exceptions and error log entries (failed loads, CSP refusals) seen so
   * far.
   */
  public synchronized List<String> errors() {
    List<String> out = new ArrayList<>();
    for (JsonObject e : events) {
      JsonObject p = e.getJsonObject("params", new JsonObject());
      switch (e.getString("method", "")) {
        case "Runtime.consoleAPICalled" -> {
          if ("error".equals(p.getString("type")) || "assert".equals(p.getString("type"))) {
            out.add("console." + p.getString("type") + ": " + p.getJsonArray("args").encode());
          }
        }
        case "Runtime.exceptionThrown" ->
            out.add("exception: " + p.getJsonObject("exceptionDetails").encode());
        case "Log.entryAdded" -> {
          JsonObject entry = p.getJsonObject("entry");
          if ("error".equals(entry.getString("level"))) {
            out.add("log: " + entry.getString("text") + " " + entry.getString("url", ""));
          }
        }
        default -> {}
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Chromium is stopped below either way.
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        Integer id = message.getInteger("id");
        if (id != null) {
          CompletableFuture<JsonObject> waiting = pending.get(id);
          if (waiting != null) {
            waiting.complete(message);
          }
        } else {
          synchronized (Chromium.this) {
            events.add(message);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }
  }

  /** For a test's skip message. */
  public static String absentReason() {
    return "chromium is absent ("
        + BINARY
        + "; Debian package chromium, installed by ./tracksolid-ingest test as root,"
        + " or set CHROMIUM): browser test skipped";
  }
}
