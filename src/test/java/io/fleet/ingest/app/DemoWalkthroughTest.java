package io.fleet.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.simulator.FleetRecords.Device;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.fleet.ingest.support.Chromium;
import io.fleet.ingest.support.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer sees: `--demo` started as its own process in an empty working directory, with
 * nothing configured but a free port. Every stream turns ok (the simulator polls and pushes), the
 * banner says where to look, the status page shows it all in real headless Chromium, and after a
 * clean stop nothing was written outside ./data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoWalkthroughTest {
  private static final Pattern STATUS_URL =
      Pattern.compile("status page\\s+(http://127\\.0\\.0\\.1:(\\d+)/)");
  private static final Path SCREENSHOT = Path.of("docs/reports/status-page.png");

  /** Deleted after the class, once the demo has stopped. */
  @TempDir static Path tmp;

  private Path workDir;
  private Path stdout;
  private Path stderr;
  private Process demo;
  private int httpPort;
  private int managementPort;

  @BeforeAll
  void startDemo() throws Exception {
    workDir = Files.createDirectory(tmp.resolve("work"));
    Path logs = Files.createDirectory(tmp.resolve("logs"));
    stdout = logs.resolve("stdout.log");
    stderr = logs.resolve("stderr.log");
    httpPort = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "io.fleet.ingest.Main",
                "--demo")
            .directory(workDir.toFile());
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                Stream.of(
                        "DATABASE_",
                        "TRACKSOLID_",
                        "HTTP_",
                        "LOG_",
                        "JIMI_",
                        "WEBHOOK_",
                        "METRICS_",
                        "STATUS_",
                        "DEMO_",
                        "GEOCODE_",
                        "NOMINATIM_",
                        "EMBEDDED_")
                    .anyMatch(k::startsWith));
    pb.environment().put("HTTP_PORT", String.valueOf(httpPort));
    pb.environment().put("HTTP_HOST", "127.0.0.1");
    pb.environment().put("SHUTDOWN_GRACE", "PT5S");
    demo = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    Matcher url =
        await(
            "the banner names the status page",
            Duration.ofSeconds(90),
            () -> {
              if (!demo.isAlive()) {
                throw new AssertionError("the demo exited: " + read(stdout) + read(stderr));
              }
              Matcher m = STATUS_URL.matcher(read(stderr));
              return m.find() ? m : null;
            });
    managementPort = Integer.parseInt(url.group(2));
  }

  @AfterAll
  void stopDemo() throws Exception {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void theBannerSaysWhereToLookWhereTheTokenIsAndHowToReachTheDatabase() throws Exception {
    String banner = read(stderr);
    assertThat(banner)
        .contains("http://127.0.0.1:" + httpPort + "/health")
        .contains("http://127.0.0.1:" + httpPort + "/health/ingest")
        .contains("http://127.0.0.1:" + managementPort + "/metrics")
        .contains(workDir.toRealPath().resolve("data/demo-webhook-token").toString())
        .containsPattern("psql \"postgresql://postgres@127\\.0\\.0\\.1:\\d+/tracksolid\"");
    String token = Files.readString(workDir.resolve("data/demo-webhook-token")).strip();
    assertThat(read(stdout) + banner).as("the token itself is never printed").doesNotContain(token);
    // stdout is a file, not a terminal: LOG_FORMAT's default (auto) logs one JSON object per line.
    List<String> lines = Files.readAllLines(stdout);
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(l -> assertThat(new JsonObject(l).getString("message")).isNotNull());
  }

  @Test
  @Order(2)
  @Timeout(value = 7, unit = TimeUnit.MINUTES)
  void everyRequiredAndEveryPushStreamTurnsOkAndPushesMeetPolledAlarms() {
    JsonObject health =
        await(
            "every stream on /health/ingest is ok",
            Duration.ofSeconds(90),
            () -> {
              Http.Response r = Http.get(httpPort, "/health/ingest");
              JsonArray streams = r.json().getJsonArray("streams");
              boolean allOk =
                  streams.stream()
                      .map(JsonObject.class::cast)
                      .allMatch(s -> s.getString("status").equals("ok"));
              return r.status() == 200 && allOk ? r.json() : null;
            });
    Set<String> streams =
        health.getJsonArray("streams").stream()
            .map(JsonObject.class::cast)
            .map(s -> s.getString("stream"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(streams)
        .contains(
            "poll.alarms",
            "poll.trips",
            "poll.parking",
            "poll.devices",
            "poll.positions",
            "webhook.push",
            "webhook.pushgps",
            "webhook.pushalarm",
            "webhook.pushevent",
            "webhook.pushhb",
            "webhook.pushlbs",
            "webhook.pushobd",
            "webhook.pushtripreport",
            "webhook.pushoil",
            "webhook.pushtem");

    // The demo pushes an alarm as it happens, but a poll only asks for windows that ended
    // POLL_SETTLE (2 min) ago, once per POLL_INTERVAL_ALARMS (1 min). An alarm raised just before
    // the start is therefore first polled up to about 3 min later; the deadline allows for that.
    JsonObject status =
        await(
            "an alarm seen by push and by poll",
            Duration.ofMinutes(4),
            () -> {
              JsonObject s = Http.get(managementPort, "/api/status").json();
              return s.getJsonObject("alarms").getLong("pushAndPoll") > 0 ? s : null;
            });
    assertThat(status.getJsonArray("quarantine").stream().map(JsonObject.class::cast))
        .as("the demo's fix without a position is quarantined")
        .anyMatch(
            q ->
                q.getString("stream").equals("webhook.pushgps")
                    && q.getString("reason").equals("bad_coordinates"));
    assertThat(status.getJsonArray("vendor").getJsonObject(0).getString("breaker"))
        .isEqualTo("closed");
    assertThat(status.getJsonObject("webhook").getJsonObject("pushgps").getLong("accepted"))
        .isPositive();
  }

  @Test
  @Order(3)
  void theStatusPageIsOnlyOnTheLoopbackManagementListener() {
    Http.Response page = Http.get(managementPort, "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'");
    assertThat(page.body())
        .contains("status.js")
        .doesNotContain("http://")
        .doesNotContain("https://");
    for (String path : List.of("/", "/api/status", "/api/fleet", "/status.js")) {
      Http.Response publicSide = Http.get(httpPort, path);
      assertThat(publicSide.status()).as("public " + path).isEqualTo(404);
      assertThat(publicSide.json().getString("error")).isEqualTo("not_found");
    }
  }

  @Test
  @Order(4)
  void theStatusPageShowsTheStreamsAndTheSimulatorsVehiclesInHeadlessChromium() throws Exception {
    Assumptions.assumeTrue(Chromium.available(), Chromium::absentReason);
    // The simulator's ground truth: the devices its account and sub-account list now.
    SimulatorOptions options = SimulatorOptions.defaults(Clock.systemUTC());
    SyntheticFleet fleet = new SyntheticFleet(options);
    List<String> imeis = new ArrayList<>();
    for (String target : List.of(options.userId(), options.subAccount())) {
      fleet.devices(target).stream().map(Device::imei).forEach(imeis::add);
    }
    assertThat(imeis).hasSizeGreaterThanOrEqualTo(5);
    List<String> streams =
        Http.get(httpPort, "/health/ingest").json().getJsonArray("streams").stream()
            .map(JsonObject.class::cast)
            .map(s -> s.getString("stream"))
            .toList();

    Path profile = Files.createDirectory(tmp.resolve("chromium-profile"));
    try (Chromium browser = Chromium.launch(profile, 1400, 1000)) {
      browser.call("Runtime.enable");
      browser.call("Log.enable");
      browser.call("Page.enable");
      browser.call(
          "Page.navigate", new JsonObject().put("url", "http://127.0.0.1:" + managementPort + "/"));
      String shownAll =
          "document.body.dataset.loaded === 'true'"
              + " && document.querySelectorAll('#map circle[data-imei]').length >= "
              + imeis.size();
      await(
          "the page has drawn the streams and the fleet",
          Duration.ofSeconds(30),
          () -> Boolean.TRUE.equals(browser.evaluate(shownAll)) ? true : null);

      String table = (String) browser.evaluate("document.querySelector('#streams').innerText");
      for (String stream : streams) {
        assertThat(table).contains(stream);
      }
      Object rows =
          browser.evaluate(
              "document.querySelectorAll('#streams tbody tr[data-status=\"ok\"]').length");
      assertThat(((Number) rows).intValue()).isEqualTo(streams.size());
      for (String imei : imeis) {
        assertThat(
                browser.evaluate(
                    "!!document.querySelector('#map circle[data-imei=\"" + imei + "\"]')"))
            .as("vehicle " + imei + " drawn on the map")
            .isEqualTo(true);
      }
      assertThat((String) browser.evaluate("document.querySelector('#vehicles').innerText"))
          .contains("SIM-1");

      double height =
          ((Number) browser.evaluate("document.documentElement.scrollHeight")).doubleValue();
      browser.call(
          "Emulation.setDeviceMetricsOverride",
          new JsonObject()
              .put("width", 1400)
              .put("height", (int) Math.min(Math.max(height, 1000), 4000))
              .put("deviceScaleFactor", 1)
              .put("mobile", false));
      String png =
          browser
              .call("Page.captureScreenshot", new JsonObject().put("format", "png"))
              .getString("data");
      Files.createDirectories(SCREENSHOT.getParent());
      Files.write(SCREENSHOT, Base64.getDecoder().decode(png));
      assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
      assertThat(browser.errors()).as("console errors").isEmpty();
      // The check above can fail: an error the page logs now is seen.
      browser.evaluate("console.error('probe-7f3a')");
      await(
          "the probe error is seen",
          Duration.ofSeconds(10),
          () -> browser.errors().stream().anyMatch(e -> e.contains("probe-7f3a")) ? true : null);
    }
  }

  @Test
  @Order(5)
  void aCleanStopLeavesNothingButDataInTheWorkingDirectory() throws Exception {
    demo.destroy(); // SIGTERM, as Ctrl-C would
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops within 60 s").isTrue();
    assertThat(demo.exitValue()).as(read(stdout)).isZero();
    assertThat(workDir.resolve("file-uploads")).doesNotExist();
    try (Stream<Path> entries = Files.list(workDir)) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("data");
    }
  }

  private static <T> T await(String what, Duration limit, Supplier<T> probe) {
    long deadline = System.nanoTime() + limit.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException notYet) {
        last = notYet;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
    throw new AssertionError("timed out waiting until " + what, last);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
