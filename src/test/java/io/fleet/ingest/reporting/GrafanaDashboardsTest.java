package io.fleet.ingest.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.ConfigSource;
import io.fleet.ingest.config.ReportingConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.jobs.ReportingRefreshJob;
import io.fleet.ingest.lease.Leases;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana provisioning under deploy/grafana: every panel's SQL, with Grafana's macros and the
 * dashboard variables substituted as Grafana does, runs as a tracksolid_reader login against the
 * migrated schema with a fleet's data and returns rows; uids are unique and every datasource a
 * dashboard names is provisioned; compose runs Grafana on loopback with a file secret.
 */
class GrafanaDashboardsTest {
  private static final Path GRAFANA = Path.of("deploy/grafana");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([a-z_]+)}?");

  @Test
  void dashboardUidsAreUniqueAndNameOnlyProvisionedDatasources() throws Exception {
    Set<String> provisioned = new HashSet<>();
    try (Stream<Path> files = Files.list(GRAFANA.resolve("provisioning/datasources"))) {
      for (Path f : files.toList()) {
        Matcher m = Pattern.compile("(?m)^\\s+uid:\\s*(\\S+)\\s*$").matcher(Files.readString(f));
        while (m.find()) {
          assertThat(provisioned.add(m.group(1)))
              .as("datasource uid " + m.group(1) + " is unique")
              .isTrue();
        }
      }
    }
    assertThat(provisioned).isNotEmpty();
    Set<String> uids = new HashSet<>();
    for (JsonObject dashboard : dashboards().values()) {
      assertThat(uids.add(dashboard.getString("uid")))
          .as("dashboard uid " + dashboard.getString("uid"))
          .isTrue();
      assertThat(dashboard.getString("timezone"))
          .as(
              "the dashboard follows the org default zone, "
                  + "which compose sets from REPORTING_TIME_ZONE")
          .isEmpty();
      Set<Integer> panelIds = new HashSet<>();
      for (Object p : dashboard.getJsonArray("panels")) {
        JsonObject panel = (JsonObject) p;
        assertThat(panelIds.add(panel.getInteger("id"))).as(panel.getString("title")).isTrue();
      }
      for (String uid : datasourceUids(dashboard)) {
        assertThat(provisioned)
            .as(dashboard.getString("uid") + " names datasource " + uid)
            .contains(uid);
      }
    }
    String compose = Files.readString(Path.of("docker-compose.yaml"));
    String grafana = compose.substring(compose.indexOf("\n  grafana:"));
    grafana = grafana.substring(0, grafana.indexOf("\n\n"));
    assertThat(grafana)
        .containsPattern("image: grafana/grafana-oss:\\d+\\.\\d+\\.\\d+\\s")
        .contains("\"127.0.0.1:3000:3000\"")
        .contains("GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/")
        .contains("GF_DATE_FORMATS_DEFAULT_TIMEZONE: ${REPORTING_TIME_ZONE:-UTC}");
  }

  @Test
  void everyPanelQueryReturnsRowsForAReaderLogin() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    FleetScenario fleet =
        new FleetScenario(
            ZoneId.of("Africa/Nairobi"),
            5L,
            3,
            4,
            now.minus(Duration.ofDays(4)).truncatedTo(ChronoUnit.HOURS));
    // One vehicle went quiet 30 hours ago: the offline list has someone on it.
    fleet.cut(
        fleet.devices.get(2).imei(),
        now.minus(Duration.ofHours(30)),
        now.plus(Duration.ofDays(1)),
        false);
    try (RuntimePool rt = RuntimePool.onFreshDatabase()) {
      fleet.load(rt.db());
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.quarantine (stream, reason, imei, item, item_hash, received_at) VALUES "
              + "('poll.alarms', 'before_epoch', '"
              + fleet.devices.get(0).imei()
              + "', '{}', 'q1', now() - interval '1 day'), "
              + "('webhook.pushgps', 'bad_coordinates', NULL, '{}', 'q2', now())");
      Sql.exec(
          rt.db(),
          "INSERT INTO tracksolid.ingestion_log (stream, account, run_kind, rows_fetched, started_at, "
              + "finished_at, duration_ms, status) VALUES ('poll.alarms', 'demo', 'scheduled', 3, now(), now(), 5, 'ok')");
      MutableClock clock = new MutableClock(now);
      Map<String, String> env = new HashMap<>();
      env.put("REPORTING_TIME_ZONE", "Africa/Nairobi");
      Futures.get(
          ReportingSettings.apply(rt.pool(), clock, ReportingConfig.from(new ConfigSource(env))),
          30);
      ReportingRefreshJob job =
          new ReportingRefreshJob(
              rt.vertx(),
              rt.pool(),
              clock,
              new Leases(rt.pool(), clock, "test"),
              Duration.ofMinutes(15),
              new IngestMetrics(new SimpleMeterRegistry()));
      assertThat(Futures.get(job.runOnce(), 120)).allMatch(ReportingRefreshJob.Outcome::ok);

      DatabaseTarget reader = ReaderLogin.create(rt.db());
      String from = "'" + now.minus(Duration.ofDays(7)) + "'";
      String to = "'" + now + "'";
      int panels = 0;
      for (Map.Entry<String, JsonObject> d : dashboards().entrySet()) {
        Map<String, String> values = new HashMap<>();
        JsonArray variables = d.getValue().getJsonObject("templating").getJsonArray("list");
        for (Object v : variables) {
          JsonObject variable = (JsonObject) v;
          List<Map<String, Object>> rows = Sql.rows(reader, variable.getString("query"));
          assertThat(rows).as(d.getKey() + " variable " + variable.getString("name")).isNotEmpty();
          values.put(
              variable.getString("name"),
              rows.stream()
                  .map(
                      r ->
                          "'"
                              + String.valueOf(r.values().iterator().next()).replace("'", "''")
                              + "'")
                  .collect(Collectors.joining(",")));
        }
        for (Object p : d.getValue().getJsonArray("panels")) {
          JsonObject panel = (JsonObject) p;
          for (Object t : panel.getJsonArray("targets")) {
            String sql = grafanaSql(((JsonObject) t).getString("rawSql"), from, to, values);
            assertThat(sql).as(panel.getString("title")).doesNotContain("$");
            assertThat(Sql.rows(reader, sql))
                .as(d.getKey() + ": " + panel.getString("title"))
                .isNotEmpty();
            panels++;
          }
        }
      }
      assertThat(panels).isGreaterThanOrEqualTo(15);
    }
  }

  /** What Grafana's PostgreSQL datasource sends for a time range and variable values. */
  static String grafanaSql(String raw, String from, String to, Map<String, String> values) {
    String sql =
        raw.replaceAll(
                "\\$__timeFilter\\(([^)]+)\\)",
                "$1 BETWEEN "
                    + Matcher.quoteReplacement(from)
                    + " AND "
                    + Matcher.quoteReplacement(to))
            .replace("$__timeFrom()", from)
            .replace("$__timeTo()", to);
    Matcher m = VARIABLE.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Map<String, JsonObject> dashboards() throws Exception {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      for (Path f : files.sorted().toList()) {
        out.put(f.getFileName().toString(), new JsonObject(Files.readString(f)));
      }
    }
    assertThat(out).containsKeys("operator.json", "analyst.json");
    return out;
  }

  private static List<String> datasourceUids(Object node) {
    List<String> out = new ArrayList<>();
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().equals("datasource")
            && e.getValue() instanceof JsonObject ds
            && ds.getString("uid") != null) {
          out.add(ds.getString("uid"));
        } else {
          out.addAll(datasourceUids(e.getValue()));
        }
      }
    } else if (node instanceof JsonArray a) {
      for (Object x : a) {
        out.addAll(datasourceUids(x));
      }
    }
    return out;
  }
}
