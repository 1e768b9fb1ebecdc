package io.fleet.ingest.store;

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

/**
 * The migrations' partial pending indexes and the address backfill's selection are one predicate:
 * for every table with addressed points, the index's predicate as PostgreSQL stores it is exactly
 * {@link AddressReset.Table#pending()} as PostgreSQL would store it. The backfill builds its SELECT
 * from that same predicate, so an index the planner cannot prove usable fails here, not in
 * production.
 */
class AddressPendingIndexTest {
  @Test
  void eachPendingIndexIsBuiltOnThePredicateTheBackfillSelectsOn() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (AddressReset.Table table : AddressReset.TABLES) {
        String scratch = table.name() + "_pending_scratch_idx";
        st.execute(
            "CREATE INDEX "
                + scratch
                + " ON tracksolid."
                + table.name()
                + " ("
                + table.time()
                + ") WHERE "
                + table.pending());
        assertThat(predicate(st, table.pendingIndex()))
            .as(table.name())
            .isNotNull()
            .isEqualTo(predicate(st, scratch));
      }
      c.rollback();
    }
  }

  private static String predicate(Statement st, String index) throws Exception {
    try (ResultSet rs =
        st.executeQuery(
            """
            SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'tracksolid' AND c.relname = '%s'"""
                .formatted(index))) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
