package io.fleet.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Row;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServiceHealthTest {
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
  void healthReportsUpWithDatabaseVersionAndUptime() {
    Http.Response r = Http.get(service.httpPort(), "/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject body = r.json();
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonObject("database").getBoolean("reachable")).isTrue();
    assertThat(body.getString("version")).isNotBlank();
    assertThat(body.getLong("uptimeSeconds")).isNotNegative();
  }

  @Test
  void unknownRoutesAndMethodsGetJsonErrors() {
    Http.Response r = Http.get(service.httpPort(), "/no/such/thing");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("error")).isEqualTo("not_found");
    assertThat(r.json().getString("message")).contains("/no/such/thing");

    Http.Response m = Http.post(service.httpPort(), "/health", "application/json", "{}");
    assertThat(m.status()).isEqualTo(405);
    assertThat(m.json().getString("error")).isEqualTo("method_not_allowed");
  }

  @Test
  void runtimeConnectionsUseTheLeastPrivilegeRole() throws Exception {
    Row row =
        TestService.Futures.get(
                service
                    .context()
                    .pool()
                    .query("SELECT current_user AS u, current_setting('TimeZone') AS tz")
                    .execute(),
                10)
            .iterator()
            .next();
    assertThat(row.getString("u")).isEqualTo("tracksolid_ingest");
    assertThat(row.getString("tz")).isEqualTo("UTC");
    Throwable ddl =
        service
            .context()
            .pool()
            .query("CREATE TABLE tracksolid.nope (id int)")
            .execute()
            .toCompletionStage()
            .toCompletableFuture()
            .handle((ok, err) -> err)
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(ddl).isNotNull().hasMessageContaining("permission denied");
  }

  @Test
  void theSchemaExistsAfterStart() {
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tracksolid'"))
        .isGreaterThanOrEqualTo(9);
  }

  @Test
  void healthIs503WhenTheDatabaseIsUnreachable() throws Exception {
    EmbeddedPostgres own = TestDatabases.startOwnEmbedded();
    DatabaseTarget target =
        new DatabaseTarget("127.0.0.1", own.getPort(), "postgres", "postgres", "", SslMode.DISABLE);
    Map<String, String> env = TestService.baseEnv(target);
    RunningService s = TestService.start(env, Clock.systemUTC());
    try {
      assertThat(Http.get(s.httpPort(), "/health").status()).isEqualTo(200);
      own.close();
      Http.Response down = Http.get(s.httpPort(), "/health");
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json().getString("status")).isEqualTo("DOWN");
      assertThat(down.json().getJsonObject("database").getBoolean("reachable")).isFalse();
      assertThat(down.body()).doesNotContain("Exception");
    } finally {
      TestService.stop(s);
    }
  }
}
