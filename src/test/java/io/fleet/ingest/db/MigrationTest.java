package io.fleet.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

class MigrationTest {

  private static final List<String> TABLES =
      List.of(
          "tracksolid.devices",
          "tracksolid.alarms",
          "tracksolid.trips",
          "tracksolid.parking",
          "tracksolid.position_history",
          "tracksolid.ingestion_log",
          "tracksolid.checkpoints",
          "tracksolid.quarantine",
          "tracksolid.geocode_cache",
          "reporting.refresh_log");

  @Test
  void migratesPlainPostgresAndSecondRunIsANoOp() {
    DatabaseTarget db = TestDatabases.fresh();
    MigrateResult first = Migrator.migrate(db, Optional.empty(), Optional.empty());
    assertThat(first.migrationsExecuted).isGreaterThanOrEqualTo(3);
    for (String table : TABLES) {
      assertThat(
              Sql.one(db, "SELECT to_regclass('" + table + "') IS NOT NULL AS present")
                  .get("present"))
          .as(table)
          .isEqualTo(true);
    }
    assertThat(
            Sql.one(db, "SELECT to_regclass('reporting.v_ingest_health') IS NOT NULL AS p")
                .get("p"))
        .isEqualTo(true);

    String schemaBefore = schemaFingerprint(db);
    MigrateResult second = Migrator.migrate(db, Optional.empty(), Optional.empty());
    assertThat(second.migrationsExecuted).isZero();
    assertThat(schemaFingerprint(db)).isEqualTo(schemaBefore);
  }

  @Test
  void everyTimeColumnIsTimestampWithTimeZone() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    long naive =
        Sql.count(
            db,
            """
        SELECT count(*) FROM information_schema.columns
        WHERE table_schema IN ('tracksolid', 'reporting')
          AND data_type IN ('timestamp without time zone', 'time without time zone')""");
    assertThat(naive).isZero();
  }

  @Test
  void twoConcurrentMigratorsBothSucceedWithOneSchema() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<MigrateResult> migrator =
        () -> {
          start.await(60, TimeUnit.SECONDS);
          return Migrator.migrate(db, Optional.empty(), Optional.empty());
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<MigrateResult> a = pool.submit(migrator);
      Future<MigrateResult> b = pool.submit(migrator);
      int executed =
          a.get(120, TimeUnit.SECONDS).migrationsExecuted
              + b.get(120, TimeUnit.SECONDS).migrationsExecuted;
      // Versioned and repeatable migrations, each applied by one of the two.
      long applied = Sql.count(db, "SELECT count(*) FROM flyway_schema_history WHERE type = 'SQL'");
      assertThat(executed).isEqualTo((int) applied);
      assertThat(Sql.count(db, "SELECT count(*) FROM flyway_schema_history WHERE NOT success"))
          .isZero();
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM pg_tables WHERE schemaname = 'tracksolid' AND tablename = 'alarms'"))
          .isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readerCannotWriteAndWriterCannotChangeTheSchema() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());

    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      st.execute("SET ROLE tracksolid_ingest");
      st.execute(
          "INSERT INTO tracksolid.checkpoints (account, endpoint, position) VALUES ('a', 'alarms', now())");
      st.execute("UPDATE tracksolid.checkpoints SET position = now() WHERE account = 'a'");
      st.execute("SELECT count(*) FROM reporting.v_ingest_health");
      assertDenied(st, "CREATE TABLE tracksolid.evil (id int)");
      assertDenied(st, "ALTER TABLE tracksolid.alarms ADD COLUMN evil int");
      assertDenied(st, "DROP TABLE tracksolid.alarms");
      assertDenied(st, "CREATE TABLE reporting.evil (id int)");
      assertDenied(st, "CREATE TABLE public.evil (id int)");
      st.execute("DELETE FROM tracksolid.checkpoints WHERE account = 'a'");
      st.execute("DELETE FROM tracksolid.leases WHERE name = 'none'");
      st.execute("DELETE FROM tracksolid.ingestion_log WHERE id < 0");
      st.execute("DELETE FROM reporting.refresh_log WHERE id < 0");
      // Telemetry and devices are never deleted by the service, so its role cannot.
      for (String raw :
          List.of(
              "alarms",
              "position_history",
              "trips",
              "parking",
              "devices",
              "quarantine",
              "push_messages",
              "geocode_cache")) {
        assertDenied(st, "DELETE FROM tracksolid." + raw);
      }
      st.execute("RESET ROLE");

      st.execute("SET ROLE tracksolid_reader");
      st.execute("SELECT count(*) FROM reporting.v_alarms");
      st.execute("SELECT count(*) FROM reporting.v_ingest_health");
      assertDenied(st, "SELECT count(*) FROM tracksolid.alarms");
      assertDenied(
          st,
          "INSERT INTO reporting.refresh_log (object_name, started_at, finished_at, duration_ms, status)"
              + " VALUES ('x', now(), now(), 0, 'ok')");
      assertDenied(st, "DELETE FROM reporting.refresh_log");
      assertDenied(st, "CREATE TABLE reporting.evil (id int)");
      st.execute("RESET ROLE");
    }
  }

  @Test
  void naturalKeysMakeWritesIdempotentUpserts() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    String upsert =
        """
        INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, alarm_name, first_source, seen_by_poll)
        VALUES ('868120145233604', '6', '2024-05-01 07:41:12+00', 'Overspeed', 'poll', true)
        ON CONFLICT (imei, alarm_type, alarm_time) DO UPDATE SET seen_by_push = true""";
    Sql.exec(db, upsert);
    Sql.exec(db, upsert);
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.alarms")).isEqualTo(1);
  }

  @Test
  void aReplicaStartingWhileAnotherWritesDoesNotWaitForItsTransactions() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    try (Connection writer = Sql.connect(db);
        Statement st = writer.createStatement()) {
      writer.setAutoCommit(false);
      st.execute("SET ROLE tracksolid_ingest");
      st.execute(
          "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, first_source)"
              + " VALUES ('1', '6', now(), 'poll')");
      st.execute("SELECT count(*) FROM tracksolid.trips");
      // The writer's transaction stays open; a second replica's migrate must not queue behind it.
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<MigrateResult> second =
            pool.submit(() -> Migrator.migrate(db, Optional.empty(), Optional.empty()));
        assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS).migrationsExecuted)
            .isZero();
      } finally {
        pool.shutdownNow();
      }
      writer.rollback();
    }
  }

  @Test
  void functionsAreNotExecutableByPublicAndTheRuntimeRoleHasSessionLimits() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    assertThat(
            Sql.count(
                db,
                """
        SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('tracksolid', 'reporting')"""))
        .isGreaterThanOrEqualTo(2);
    assertThat(
            Sql.count(
                db,
                """
        SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('tracksolid', 'reporting') AND has_function_privilege('public', p.oid, 'EXECUTE')"""))
        .isZero();
    // A function a later migration adds, as the migrating login and without any REVOKE, is not
    // executable by PUBLIC either once migrate has run.
    Sql.exec(
        db, "CREATE FUNCTION reporting.later_function() RETURNS int LANGUAGE sql AS 'SELECT 1'");
    Sql.exec(db, "CREATE PROCEDURE tracksolid.later_procedure() LANGUAGE sql AS 'SELECT 1'");
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    assertThat(
            Sql.one(
                db,
                "SELECT has_function_privilege('public', 'tracksolid.later_procedure()', 'EXECUTE') AS x,"
                    + " pg_get_userbyid(proowner) AS owner FROM pg_proc WHERE proname = 'later_procedure'"))
        .containsEntry("x", false)
        .containsEntry("owner", "tracksolid_owner");
    assertThat(
            Sql.one(
                    db,
                    "SELECT has_function_privilege('public', 'reporting.later_function()', 'EXECUTE') AS x")
                .get("x"))
        .isEqualTo(false);
    assertThat(
            Sql.one(
                    db,
                    "SELECT has_function_privilege('tracksolid_reader', 'reporting.later_function()',"
                        + " 'EXECUTE') AS x")
                .get("x"))
        .isEqualTo(false);

    // Read as the service reads them: through a login that holds only the runtime role.
    String login = "app_" + ProcessHandle.current().pid();
    Sql.exec(db, "DROP ROLE IF EXISTS " + login);
    Sql.exec(db, "CREATE ROLE " + login + " LOGIN IN ROLE tracksolid_ingest");
    DatabaseTarget asApp =
        new DatabaseTarget(db.host(), db.port(), db.database(), login, "", db.sslMode());
    Map<String, String> limits = RoleSettings.read(asApp, "tracksolid_ingest");
    assertThat(limits)
        .containsEntry("statement_timeout", "5min")
        .containsEntry("idle_in_transaction_session_timeout", "1min");
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PoolFactory.create(vertx, asApp, 1, "tracksolid_ingest", limits);
      Row row =
          TestService.Futures.get(
                  pool.query(
                          "SELECT current_user, current_setting('statement_timeout'),"
                              + " current_setting('idle_in_transaction_session_timeout')")
                      .execute(),
                  10)
              .iterator()
              .next();
      assertThat(row.getString(0)).isEqualTo("tracksolid_ingest");
      assertThat(row.getString(1)).isEqualTo("5min");
      assertThat(row.getString(2)).isEqualTo("1min");
      TestService.Futures.get(pool.close(), 10);
    } finally {
      TestService.Futures.get(vertx.close(), 10);
      Sql.exec(db, "DROP OWNED BY " + login);
      Sql.exec(db, "DROP ROLE " + login);
    }
  }

  private static void assertDenied(Statement st, String sql) {
    assertThatThrownBy(() -> st.execute(sql))
        .as(sql)
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(sql).isEqualTo("42501"));
  }

  private static String schemaFingerprint(DatabaseTarget db) {
    return Sql.rows(
            db,
            """
        SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema IN ('tracksolid', 'reporting') ORDER BY 1, 2, 3""")
        .toString();
  }
}
