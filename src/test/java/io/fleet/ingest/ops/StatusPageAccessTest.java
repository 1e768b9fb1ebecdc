package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fleet positions are sensitive: the status page is only on the management listener, open on a
 * loopback METRICS_HOST, and behind STATUS_PASSWORD (or refused) on any other address.
 */
class StatusPageAccessTest {
  private static DatabaseTarget db;

  @BeforeAll
  static void database() {
    db = TestDatabases.fresh();
  }

  @Test
  void withoutAManagementPortThereIsNoStatusPageAnywhere() {
    withService(
        Map.of(),
        s -> {
          assertThat(TestService.module(s, OpsModule.class).metricsServer().orElseThrow().port())
              .isEmpty();
          for (String path : new String[] {"/", "/api/status", "/api/fleet", "/status.js"}) {
            Http.Response r = Http.get(s.httpPort(), path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.json().getString("error")).isEqualTo("not_found");
          }
        });
  }

  @Test
  void onLoopbackThePageAndItsJsonAnswerWithoutCredentials() {
    withService(
        Map.of("METRICS_PORT", "0"),
        s -> {
          int port = managementPort(s);
          Http.Response page = Http.get(port, "/");
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
          assertThat(Http.get(port, "/status.js").body()).contains("api/status");
          Http.Response status = Http.get(port, "/api/status");
          assertThat(status.status()).isEqualTo(200);
          assertThat(status.json().getJsonObject("ingest").getJsonArray("streams")).isNotEmpty();
          assertThat(status.json().getJsonObject("deadLetters").containsKey("available")).isTrue();
          assertThat(Http.get(port, "/api/fleet").json().getJsonArray("vehicles")).isNotNull();
          Http.Response missing = Http.get(port, "/nothing-here");
          assertThat(missing.status()).isEqualTo(404);
          assertThat(missing.json().getString("error")).isEqualTo("not_found");
        });
  }

  @Test
  void onAnyOtherAddressItIsRefusedWithoutAPasswordAndAsksForOneWithIt() {
    withService(
        Map.of("METRICS_PORT", "0", "METRICS_HOST", "0.0.0.0"),
        s -> {
          int port = managementPort(s);
          Http.Response refused = Http.get(port, "/api/fleet");
          assertThat(refused.status()).isEqualTo(403);
          assertThat(refused.json().getString("error")).isEqualTo("forbidden");
          assertThat(refused.json().getString("message")).contains("STATUS_PASSWORD");
          assertThat(Http.get(port, "/metrics").status())
              .as("metrics stay scrapeable")
              .isEqualTo(200);
        });
    withService(
        Map.of("METRICS_PORT", "0", "METRICS_HOST", "0.0.0.0", "STATUS_PASSWORD", "s3cret-status"),
        s -> {
          int port = managementPort(s);
          Http.Response challenge = Http.get(port, "/");
          assertThat(challenge.status()).isEqualTo(401);
          assertThat(challenge.headers().firstValue("WWW-Authenticate").orElse(""))
              .startsWith("Basic");
          assertThat(challenge.json().getString("error")).isEqualTo("unauthorized");
          assertThat(basic(port, "/api/status", "ops:wrong").status()).isEqualTo(401);
          assertThat(basic(port, "/api/status", "ops:s3cret-status").status()).isEqualTo(200);
          assertThat(basic(port, "/", "anyone:s3cret-status").body()).contains("<svg id=\"map\"");
        });
  }

  private static Http.Response basic(int port, String path, String userAndPassword) {
    return Http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .GET()
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8))));
  }

  private static int managementPort(RunningService s) {
    return TestService.module(s, OpsModule.class)
        .metricsServer()
        .orElseThrow()
        .port()
        .orElseThrow();
  }

  private static void withService(Map<String, String> extra, Consumer<RunningService> check) {
    Map<String, String> env = TestService.baseEnv(db);
    env.putAll(extra);
    RunningService s = TestService.start(env, Clock.systemUTC());
    try {
      check.accept(s);
    } finally {
      TestService.stop(s);
    }
  }
}
