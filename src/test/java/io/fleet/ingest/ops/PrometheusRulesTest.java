package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.backup.BackupFixture;
import io.fleet.ingest.backup.BackupMetrics;
import io.fleet.ingest.backup.BackupService;
import io.fleet.ingest.backup.SidecarHttp;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.support.Waits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus through the real promtool: the config and rules check, every alert's unit tests
 * pass, and real scrapes (the service after a poll and a push, the backup sidecar after a backup)
 * lint clean and carry every metric the rules use.
 */
class PrometheusRulesTest {
  static final Path DIR = Path.of("deploy/prometheus");
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static String promtool;

  @BeforeAll
  static void findPromtool() {
    promtool =
        Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool")
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        promtool != null, "skipped: promtool (Debian package prometheus) is not installed");
  }

  @Test
  void configRulesAndEveryAlertsUnitTestsPass() throws Exception {
    assertThat(promtool("check", "config", DIR.resolve("prometheus.yml").toString()))
        .contains("SUCCESS");
    assertThat(promtool("check", "rules", DIR.resolve("alerts.yml").toString()))
        .contains("SUCCESS");
    assertThat(promtool("test", "rules", DIR.resolve("alerts.test.yml").toString()))
        .contains("SUCCESS");
    // Every alert has its test.
    Set<String> alerts =
        matches(Files.readString(DIR.resolve("alerts.yml")), "(?m)^\\s*- alert: (\\w+)");
    Set<String> tested =
        matches(Files.readString(DIR.resolve("alerts.test.yml")), "alertname: (\\w+)");
    assertThat(tested).isEqualTo(alerts);
  }

  @Test
  void scrapesAfterAPollAPushAndABackupLintCleanAndCarryEveryMetricTheRulesUse(@TempDir Path dir)
      throws Exception {
    BackupFixture.assumeCluster();
    String service = serviceScrapeAfterPollAndPush();
    String sidecar = sidecarScrapeAfterBackup(dir);
    assertThat(promtoolStdin(service, "check", "metrics")).isEmpty();
    assertThat(promtoolStdin(sidecar, "check", "metrics")).isEmpty();

    Set<String> used =
        matches(
            Files.readString(DIR.resolve("alerts.yml")),
            "\\b((?:tracksolid|backup|vertx_http_server)_[a-z_]+)");
    for (String metric : used) {
      assertThat(
              service.contains("\n" + metric + " ")
                  || service.contains("\n" + metric + "{")
                  || sidecar.contains("\n" + metric + " ")
                  || sidecar.contains("\n" + metric + "{"))
          .as("a scrape carries " + metric)
          .isTrue();
    }
    assertThat(service)
        .contains("tracksolid_db_up 1.0")
        .contains("tracksolid_spool_limit_bytes ")
        .containsPattern(
            "tracksolid_ingest_stream_status\\{account=\"demo\",status=\"ok\",stream=\"poll.alarms\"} 1.0")
        .contains(
            "vertx_http_server_requests_total{code=\"200\",method=\"POST\",route=\"/pushgps\"} 1.0");
    assertThat(sidecar)
        .contains("backup_last_verify_success 1.0")
        .contains("backup_runs_total{outcome=\"success\"} 1.0")
        .doesNotContain("backup_last_success_timestamp_seconds 0.0");
  }

  private static String serviceScrapeAfterPollAndPush() {
    MutableClock clock = new MutableClock(NOW);
    Vertx simVertx = Vertx.vertx();
    RunningService service = null;
    try {
      SimulatorServer sim =
          Futures.get(
              SimulatorServer.start(
                  simVertx,
                  SimulatorOptions.defaults(clock)
                      .withFleet(3L, 2, 10, NOW.minus(Duration.ofDays(10))),
                  List.of()),
              20);
      DatabaseTarget db = TestDatabases.fresh();
      Map<String, String> env = TestService.baseEnv(db);
      for (String ep : List.of("ALARMS", "TRIPS", "PARKING", "POSITIONS", "DEVICES")) {
        env.put("POLL_INTERVAL_" + ep, "PT1H");
      }
      env.put("POLL_LOOKBACK", "P1D");
      service = TestService.start(DemoEnvironment.overlay(env, sim), clock);
      Waits.until(
          "one alarm poll committed",
          () ->
              Sql.count(
                      db,
                      "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream = 'poll.alarms' AND status = 'ok'")
                  > 0);
      Http.Response push =
          Http.post(
              service.httpPort(),
              "/pushgps?token=" + TestService.WEBHOOK_TOKEN,
              "application/json",
              "{\"data_list\":[{\"deviceImei\":\"868120145233604\",\"gpsTime\":\"2026-03-01 11:15:00\","
                  + "\"lat\":-1.2864,\"lng\":36.8172,\"gpsSpeed\":0}]}");
      assertThat(push.status()).as(push.body()).isEqualTo(200);
      RunningService running = service;
      // The stream-status gauge mirrors /health/ingest: each answer (and a probe every 15 s) sets
      // it.
      Waits.until(
          "stream status gauge shows the poll",
          () -> {
            Http.get(running.httpPort(), "/health/ingest");
            return Http.get(running.httpPort(), "/metrics")
                .body()
                .contains("status=\"ok\",stream=\"poll.alarms\"} 1.0");
          });
      return Http.get(service.httpPort(), "/metrics").body();
    } finally {
      TestService.stop(service);
      Futures.get(simVertx.close(), 20);
    }
  }

  private static String sidecarScrapeAfterBackup(Path dir) throws Exception {
    BackupMetrics metrics =
        new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    BackupService backups =
        new BackupService(
            BackupFixture.config(dir.resolve("backups"), List.of()),
            BackupFixture.sourceAsBackupRole(),
            Clock.systemUTC(),
            metrics);
    assertThat(backups.runOnce().ok()).isTrue();
    try (SidecarHttp http = new SidecarHttp("127.0.0.1", 0, metrics, () -> null)) {
      assertThat(Http.get(http.port(), "/health").status()).isEqualTo(200);
      assertThat(Http.get(http.port(), "/ready").status()).isEqualTo(200);
      Http.Response r = Http.get(http.port(), "/metrics");
      assertThat(r.status()).isEqualTo(200);
      return r.body();
    }
  }

  private static Set<String> matches(String text, String regex) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String promtool(String... args) throws Exception {
    return promtoolStdin(null, args);
  }

  /**
   * Runs promtool; fails the test with its output when it exits non-zero. Returns stdout + stderr.
   */
  private static String promtoolStdin(String stdin, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(promtool));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
    return out.strip();
  }
}
