package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The health function never pays for JIT, and its small tables are analysed from the start. */
class IngestHealthPlanningTest {

  @Test
  void theHealthFunctionRunsWithoutJitAndItsTablesHaveStatistics() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());

    assertThat(
            String.valueOf(
                Sql.one(
                        db,
                        "SELECT array_to_string(proconfig, ',') AS c FROM pg_proc "
                            + "WHERE oid = 'reporting.ingest_health(timestamptz)'::regprocedure")
                    .get("c")))
        .contains("jit=off");
    for (String table :
        new String[] {"ingest_streams", "ingest_health_settings", "ingest_accounts"}) {
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM pg_stat_all_tables WHERE schemaname = 'tracksolid' "
                      + "AND relname = '"
                      + table
                      + "' AND last_analyze IS NOT NULL"))
          .as(table + " analysed")
          .isEqualTo(1);
    }
    assertThat(
            Sql.count(
                db,
                "SELECT reltuples::bigint FROM pg_class WHERE oid = 'tracksolid.ingest_streams'::regclass"))
        .as("the planner knows the allow-list's real size")
        .isEqualTo(15);

    // The function-level setting does not leak: an analyst session keeps its own jit, and the view
    // still answers.
    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      st.execute("SET jit = on");
      st.execute("SET jit_above_cost = 0");
      st.execute("SET SESSION ROLE tracksolid_reader");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT current_setting('jit') AS outside, "
                  + "(SELECT count(*) FROM reporting.v_ingest_health) AS n")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("outside")).isEqualTo("on");
        assertThat(rs.getLong("n")).isEqualTo(10);
      }
    }
  }
}
