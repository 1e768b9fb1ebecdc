package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics: Prometheus text with Vert.x and domain meters; separate port; switched off. */
class MetricsEndpointTest {
  static DatabaseTarget db;
  static RunningService service;

  @BeforeAll
  static void start() {
    db = TestDatabases.fresh();
    service = TestService.start(TestService.baseEnv(db), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    TestService.stop(service);
  }

  @Test
  void servesPrometheusTextWithVertxHttpServerPoolAndDomainMeters() {
    assertThat(Http.get(service.httpPort(), "/health").status()).isEqualTo(200);
    IngestMetrics metrics = new IngestMetrics(service.context().registry());
    metrics.rowsIngested("poll.alarms", "inserted").increment(3);
    metrics.rowsIngested("poll.alarms", "inserted").increment(2);
    // As poll.PollMetrics registers it: computed at scrape time.
    io.micrometer.core.instrument.Gauge.builder(IngestMetrics.CHECKPOINT_LAG, () -> 42)
        .tags("stream", "poll.alarms", "account", "acct-a")
        .register(service.context().registry());
    metrics.pollDuration("poll.alarms", "acct-a").record(Duration.ofMillis(250));

    Http.Response r = Http.get(service.httpPort(), "/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    String text = r.body();
    assertThat(text)
        .containsPattern(
            "vertx_http_server_requests_total\\{code=\"200\",method=\"GET\",route=\"/health\"} [1-9]")
        .contains("vertx_pool_in_use")
        .contains("vertx_sql_processing_time_seconds_count");
    assertThat(text)
        .contains("tracksolid_rows_ingested_total{outcome=\"inserted\",stream=\"poll.alarms\"} 5.0")
        .contains(
            "tracksolid_checkpoint_lag_seconds{account=\"acct-a\",stream=\"poll.alarms\"} 42.0")
        .contains(
            "tracksolid_poll_duration_seconds_bucket{account=\"acct-a\",stream=\"poll.alarms\",le=")
        .contains(
            "tracksolid_poll_duration_seconds_count{account=\"acct-a\",stream=\"poll.alarms\"} 1");
  }

  @Test
  void registeringTheSameNameAndTagsTwiceGivesTheSameMeter() {
    IngestMetrics a = new IngestMetrics(service.context().registry());
    IngestMetrics b = new IngestMetrics(service.context().registry());
    assertThat(b.vendorCalls("acct", "jimi.user.device.location.list", "0"))
        .isSameAs(a.vendorCalls("acct", "jimi.user.device.location.list", "0"));
    assertThat(a.dbUp()).isSameAs(a.dbUp());
  }

  @Test
  void aSeparateManagementPortServesMetricsAndThePublicPortDoesNot() {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("METRICS_PORT", "0");
    RunningService s = TestService.start(env, Clock.systemUTC());
    try {
      assertThat(Http.get(s.httpPort(), "/health").status()).isEqualTo(200);
      int port =
          TestService.module(s, OpsModule.class).metricsServer().orElseThrow().port().orElseThrow();
      assertThat(port).isNotEqualTo(s.httpPort());
      Http.Response metrics = Http.get(port, "/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body()).contains("vertx_http_server");
      Http.Response publicSide = Http.get(s.httpPort(), "/metrics");
      assertThat(publicSide.status()).isEqualTo(404);
      assertThat(publicSide.json().getString("error")).isEqualTo("not_found");
    } finally {
      TestService.stop(s);
    }
  }

  @Test
  void disabledMetricsAnswer404() {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("METRICS_ENABLED", "false");
    RunningService s = TestService.start(env, Clock.systemUTC());
    try {
      Http.Response r = Http.get(s.httpPort(), "/metrics");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().getString("error")).isEqualTo("not_found");
      assertThat(TestService.module(s, OpsModule.class).metricsServer().orElseThrow().port())
          .isEmpty();
    } finally {
      TestService.stop(s);
    }
  }
}
