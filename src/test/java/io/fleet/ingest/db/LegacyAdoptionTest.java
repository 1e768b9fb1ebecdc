package io.fleet.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.Service;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A database created by the migration layout before the squash (an operator's ./data/pg demo
 * database).
 */
class LegacyAdoptionTest {

  @Test
  void aCompleteLegacyDatabaseIsAdoptedKeepsItsRowsAndEndsAsAFreshOne() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    LegacyMigrations.build(db);
    Map<String, Integer> shipped = new LinkedHashMap<>();
    Sql.rows(db, "SELECT version, checksum FROM flyway_schema_history ORDER BY installed_rank")
        .forEach(r -> shipped.put((String) r.get("version"), (Integer) r.get("checksum")));
    assertThat(shipped)
        .as("the checksums LegacyHistory accepts are those of the legacy files")
        .isEqualTo(LegacyHistory.CHECKSUMS);
    Sql.exec(
        db,
        "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, first_source)"
            + " VALUES ('868120145233604', '6', '2026-11-01 07:41:12+00', 'poll')");

    Migrator.migrate(db, Optional.empty(), Optional.empty());

    assertThat(Sql.count(db, "SELECT count(*) FROM " + LegacyHistory.KEPT_AS)).isEqualTo(10);
    assertThat(
            Sql.one(db, "SELECT version, type FROM flyway_schema_history WHERE installed_rank = 1"))
        .containsEntry("version", LegacyHistory.ADOPTED_VERSION)
        .containsEntry("type", "BASELINE");
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.alarms")).isEqualTo(1);
    DatabaseTarget fresh = TestDatabases.fresh();
    Migrator.migrate(fresh, Optional.empty(), Optional.empty());
    SchemaCatalog adopted = SchemaCatalog.of(db);
    SchemaCatalog squashed = SchemaCatalog.of(fresh);
    assertThat(adopted.minus(squashed)).isEmpty();
    assertThat(squashed.minus(adopted)).isEmpty();
    assertThat(Migrator.migrate(db, Optional.empty(), Optional.empty()).migrationsExecuted)
        .isZero();

    RunningService service = TestService.start(TestService.baseEnv(db), Clock.systemUTC());
    try {
      assertThat(Http.get(service.httpPort(), "/health").status()).isEqualTo(200);
    } finally {
      TestService.stop(service);
    }

    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      st.execute("SET ROLE tracksolid_ingest");
      assertThatThrownBy(() -> st.execute("DELETE FROM tracksolid.alarms"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
    }
  }

  @Test
  void aLegacyDatabaseItCannotAdoptIsRefusedAtStartupSayingWhatToDo() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    // From an older build: the last legacy migration (V50) never ran.
    LegacyMigrations.build(db, "43");
    Throwable refused =
        Service.start(
                AppConfig.load(TestService.baseEnv(db), false),
                Clock.systemUTC(),
                io.fleet.ingest.cli.Modules::forContext)
            .toCompletionStage()
            .toCompletableFuture()
            .handle((ok, err) -> err)
            .get(60, TimeUnit.SECONDS);
    assertThat(refused)
        .as("startup refused")
        .hasMessageContaining("before the squash")
        .hasMessageContaining("point DATABASE_URL at a new database")
        .hasMessageContaining("move EMBEDDED_PG_DIR (default ./data/pg) aside");
    // Nothing was changed: the refusal is repeatable and the old history is intact.
    assertThat(Sql.count(db, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(9);
    assertThat(
            Sql.one(db, "SELECT to_regclass('" + LegacyHistory.KEPT_AS + "') IS NULL AS absent")
                .get("absent"))
        .isEqualTo(true);
  }
}
