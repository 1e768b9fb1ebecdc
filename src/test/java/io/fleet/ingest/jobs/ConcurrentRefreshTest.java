package io.fleet.ingest.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * reporting.refresh_materialized_view: plain on a fresh install, then without locking analysts out.
 * The schema ships no materialised view any more (the rollups are tables), so the test adds one as
 * an operator would.
 */
class ConcurrentRefreshTest {
  static final String NAME = "mv_test_activity";
  static final String VIEW = "reporting." + NAME;

  private static DatabaseTarget migratedWithView() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    Sql.exec(
        db,
        "CREATE MATERIALIZED VIEW "
            + VIEW
            + " AS SELECT (start_time AT TIME ZONE 'UTC')::date AS day_utc, "
            + "imei, count(*) AS trips FROM tracksolid.trips GROUP BY 1, 2 WITH NO DATA; "
            + "CREATE UNIQUE INDEX mv_test_activity_key ON "
            + VIEW
            + " (day_utc, imei); "
            + "ALTER MATERIALIZED VIEW "
            + VIEW
            + " OWNER TO tracksolid_owner; "
            + "GRANT SELECT ON "
            + VIEW
            + " TO tracksolid_reader");
    return db;
  }

  @Test
  void aPopulatedViewIsRefreshedWhileAnAnalystReadsIt() throws Exception {
    DatabaseTarget db = migratedWithView();
    Sql.exec(
        db,
        "INSERT INTO tracksolid.trips (imei, start_time, distance_m) VALUES "
            + "('860000000000001', '2026-03-09T08:00Z', 100)");
    assertThat(populated(db)).as("created WITH NO DATA").isFalse();

    try (Connection ingest = Sql.connect(db);
        Statement st = ingest.createStatement()) {
      st.execute("SET ROLE tracksolid_ingest");
      // First refresh of a fresh install: CONCURRENTLY would fail on an unpopulated view.
      st.execute("SELECT reporting.refresh_materialized_view('" + NAME + "')");
      assertThat(populated(db)).isTrue();
      assertThat(Sql.count(db, "SELECT count(*) FROM " + VIEW)).isEqualTo(1);

      Sql.exec(
          db,
          "INSERT INTO tracksolid.trips (imei, start_time, distance_m) VALUES "
              + "('860000000000002', '2026-03-09T09:00Z', 200)");
      try (Connection analyst = Sql.connect(db);
          Statement an = analyst.createStatement()) {
        an.execute("SET ROLE tracksolid_reader");
        analyst.setAutoCommit(false);
        // An open analyst transaction that has read the view holds its ACCESS SHARE lock.
        try (ResultSet rs = an.executeQuery("SELECT count(*) FROM " + VIEW)) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(1);
        }
        // A plain refresh would queue behind it; lock_timeout turns that wait into an error.
        st.execute("SET lock_timeout = '3s'");
        st.execute("SELECT reporting.refresh_materialized_view('" + NAME + "')");
        st.execute("RESET ROLE"); // the owner's plain refresh, as the function did before
        assertThatThrownBy(() -> st.execute("REFRESH MATERIALIZED VIEW " + VIEW))
            .isInstanceOf(SQLException.class)
            .satisfies(
                e ->
                    assertThat(((SQLException) e).getSQLState())
                        .as("lock_not_available")
                        .isEqualTo("55P03"));
        analyst.commit();
      }
      assertThat(Sql.count(db, "SELECT count(*) FROM " + VIEW)).isEqualTo(2);
    }
  }

  @Test
  void theRefreshWorksInsideATransactionBlock() throws Exception {
    DatabaseTarget db = migratedWithView();
    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      st.execute("SET ROLE tracksolid_ingest");
      st.execute("SELECT reporting.refresh_materialized_view('" + NAME + "')");
      c.setAutoCommit(false);
      st.execute("SELECT reporting.refresh_materialized_view('" + NAME + "')");
      c.commit();
    }
    assertThat(populated(db)).isTrue();
  }

  private static boolean populated(DatabaseTarget db) {
    return Boolean.TRUE.equals(
        Sql.one(
                db,
                "SELECT ispopulated FROM pg_matviews "
                    + "WHERE schemaname = 'reporting' AND matviewname = '"
                    + NAME
                    + "'")
            .get("ispopulated"));
  }
}
