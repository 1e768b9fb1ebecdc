package io.fleet.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real entry point in its own JVM, as an operator would. */
class ProcessLifecycleTest {

  @Test
  void badConfigurationExitsNonZeroQuicklyNamingTheVariable(@TempDir Path dir) throws Exception {
    for (Map.Entry<String, String> bad :
        Map.of(
                "HTTP_PORT",
                "abc",
                "DATABASE_POOL_SIZE",
                "-1",
                "SHUTDOWN_GRACE",
                "forever",
                "LOG_LEVEL",
                "loud")
            .entrySet()) {
      Launched p = launch(dir, Map.of(bad.getKey(), bad.getValue()));
      assertThat(p.process.waitFor(5, TimeUnit.SECONDS))
          .as(bad.getKey() + " exits within 5 s")
          .isTrue();
      assertThat(p.process.exitValue()).isNotZero();
      assertThat(p.output()).contains(bad.getKey());
    }
  }

  @Test
  void anEmptyWebhookTokenStopsStartupNamingTheVariable(@TempDir Path dir) throws Exception {
    Launched p = launch(dir, Map.of("JIMI_WEBHOOK_TOKEN", ""));
    assertThat(p.process.waitFor(5, TimeUnit.SECONDS)).as("exits within 5 s").isTrue();
    assertThat(p.process.exitValue()).isNotZero();
    assertThat(p.output()).contains("JIMI_WEBHOOK_TOKEN").contains("WEBHOOK_REQUIRE_TOKEN");
  }

  @Test
  void embeddedDefaultServesHealthKeepsDataAndStopsCleanlyOnSigterm(@TempDir Path dir)
      throws Exception {
    Map<String, String> env =
        Map.of(
            "EMBEDDED_PG_DIR",
            dir.resolve("pg").toString(),
            "HTTP_PORT",
            String.valueOf(freePort()),
            "HTTP_HOST",
            "127.0.0.1",
            "JIMI_WEBHOOK_TOKEN",
            "process-test-token-0123456789abcdef",
            "WEBHOOK_SPOOL_DIR",
            dir.resolve("spool").toString());
    Launched first = launch(dir, env);
    int port = Integer.parseInt(env.get("HTTP_PORT"));
    awaitHealth(first, port);
    first.process.destroy(); // SIGTERM
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.process.exitValue()).as(first.output()).isZero();
    assertThat(first.output()).contains("(new)").contains("stopped");

    Launched second = launch(dir, env);
    awaitHealth(second, port);
    second.process.destroy();
    assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process.exitValue()).isZero();
    assertThat(second.output()).contains("(reused)").contains("0 migration(s) applied");
  }

  @Test
  void migratesAnEmptyExternalDatabaseAndNeverLogsSecrets(@TempDir Path dir) throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    String dbPassword = "db-pw-7f3a9c1e";
    String vendorSecret = "vendor-secret-5b2d8e4f";
    DatabaseTarget withPassword =
        new DatabaseTarget(
            db.host(), db.port(), db.database(), db.user(), dbPassword, db.sslMode());
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", withPassword.uri());
    env.put("HTTP_PORT", String.valueOf(freePort()));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("LOG_LEVEL", "DEBUG");
    env.put("TRACKSOLID_APP_SECRET", vendorSecret);
    env.put("TRACKSOLID_PASSWORD", vendorSecret + "-pw");
    env.put("JIMI_WEBHOOK_TOKEN", "webhook-token-0c9d-0123456789abcdef");
    env.put("WEBHOOK_SPOOL_DIR", dir.resolve("spool").toString());
    Launched p = launch(dir, env);
    awaitHealth(p, Integer.parseInt(env.get("HTTP_PORT")));
    assertThat(Sql.count(db, "SELECT count(*) FROM flyway_schema_history WHERE success"))
        .isGreaterThanOrEqualTo(3);
    p.process.destroy();
    assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = p.output();
    assertThat(out).contains("DATABASE_URL=(set)");
    assertThat(out)
        .doesNotContain(dbPassword)
        .doesNotContain(vendorSecret)
        .doesNotContain("webhook-token-0c9d-0123456789abcdef");
  }

  @Test
  void aSeparateMigrateStepLetsTheServiceRunAsALoginWithOnlyTheIngestRole(@TempDir Path dir)
      throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Launched migrate = launch(dir, Map.of("DATABASE_URL", db.uri()), "migrate");
    assertThat(migrate.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(migrate.process.exitValue()).as(migrate.output()).isZero();

    String login = "app_" + db.database();
    Sql.exec(db, "CREATE ROLE " + login + " LOGIN PASSWORD 'app-pw-1' IN ROLE tracksolid_ingest");
    DatabaseTarget app =
        new DatabaseTarget(db.host(), db.port(), db.database(), login, "app-pw-1", db.sslMode());
    int port = freePort();
    Launched service =
        launch(
            dir,
            Map.of(
                "DATABASE_URL",
                app.uri(),
                "MIGRATE_ON_START",
                "false",
                "HTTP_PORT",
                String.valueOf(port),
                "HTTP_HOST",
                "127.0.0.1",
                "JIMI_WEBHOOK_TOKEN",
                "least-privilege-token-0123456789abcdef",
                "WEBHOOK_SPOOL_DIR",
                dir.resolve("spool").toString()));
    awaitHealth(service, port);
    Http.Response push =
        Http.post(
            port,
            "/pushgps?token=least-privilege-token-0123456789abcdef",
            "application/json",
            "{\"data_list\":[{\"deviceImei\":\"868120145233604\",\"gpsTime\":\"2024-05-01 09:15:00\","
                + "\"lat\":-1.2864,\"lng\":36.8172,\"gpsSpeed\":0}]}");
    assertThat(push.status()).as(push.body()).isEqualTo(200);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.position_history")).isEqualTo(1);
    service.process.destroy();
    assertThat(service.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(service.process.exitValue()).isZero();
    assertThat(service.output()).contains("MIGRATE_ON_START=false");
  }

  record Launched(Process process, Path log) {
    String output() throws IOException {
      return Files.readString(log);
    }
  }

  static Launched launch(Path dir, Map<String, String> env, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), "io.fleet.ingest.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("DATABASE_")
                    || k.startsWith("TRACKSOLID_")
                    || k.startsWith("HTTP_")
                    || k.startsWith("LOG_")
                    || k.startsWith("JIMI_")
                    || k.startsWith("WEBHOOK_"));
    pb.environment().put("LOG_FORMAT", "text");
    pb.environment().put("SHUTDOWN_GRACE", "PT5S");
    // The public Nominatim needs an identifying User-Agent; these processes never geocode.
    pb.environment().put("GEOCODE_ENABLED", "false");
    pb.environment().putAll(env);
    Path log = Files.createTempFile(dir, "proc", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new Launched(pb.start(), log);
  }

  static void awaitHealth(Launched p, int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.process.isAlive()) {
        throw new AssertionError("process exited: " + p.output());
      }
      try {
        if (Http.get(port, "/health").status() == 200) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no healthy answer: " + p.output());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
