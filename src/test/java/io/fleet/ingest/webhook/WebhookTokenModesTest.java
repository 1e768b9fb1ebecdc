package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Demo mode generates a token into a private file; running open needs an explicit opt-out. */
class WebhookTokenModesTest {
  final MutableClock clock = new MutableClock(Instant.parse("2024-05-02T00:00:00Z"));
  final JsonArray items = new JsonArray().add(Push.gps("123000000000001", "2024-05-01 09:15:00"));

  @Test
  void demoModeWithoutATokenGeneratesOneIntoAPrivateFile(@TempDir Path dir) throws Exception {
    Map<String, String> env = TestService.baseEnv(TestDatabases.fresh());
    env.remove("JIMI_WEBHOOK_TOKEN");
    env.put("DEMO_MODE", "true");
    env.put("WEBHOOK_SPOOL_DIR", dir.resolve("data/spool").toString());
    RunningService service = TestService.start(env, clock);
    try {
      Path file = dir.resolve("data/demo-webhook-token");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      String token = Files.readString(file).strip();
      assertThat(token).hasSizeGreaterThanOrEqualTo(32);
      assertThat(Push.form(service.httpPort(), "/pushgps", null, items).status()).isEqualTo(401);
      assertThat(Push.form(service.httpPort(), "/pushgps", token, items).status()).isEqualTo(200);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void requireTokenFalseRunsOpen() {
    Map<String, String> env = TestService.baseEnv(TestDatabases.fresh());
    env.remove("JIMI_WEBHOOK_TOKEN");
    env.put("WEBHOOK_REQUIRE_TOKEN", "false");
    RunningService service = TestService.start(env, clock);
    try {
      assertThat(Push.form(service.httpPort(), "/pushgps", null, items).status()).isEqualTo(200);
    } finally {
      TestService.stop(service);
    }
  }
}
