package io.fleet.ingest.geocode;

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
 * With most rows already given their addresses at ingest (address_attempted_at stays NULL for
 * them), the backfill SELECT reads only the pending rows through the partial pending indexes.
 */
class BackfillQueryPlanTest {

  @Test
  void theBackfillSelectUsesThePendingIndexes() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    Sql.exec(
        db,
        """
        INSERT INTO tracksolid.trips (imei, start_time, start_lat, start_lng, end_lat, end_lng, start_address, end_address)
          SELECT 'i' || (g % 50), now() - g * interval '1 minute', -1, 36, -1, 36,
                 CASE WHEN g % 1000 = 0 THEN NULL ELSE 's' END, 'e'
          FROM generate_series(1, 20000) g;
        INSERT INTO tracksolid.parking (imei, kind, start_time, lat, lng, address)
          SELECT 'i' || (g % 50), 'parking', now() - g * interval '1 minute', -1, 36,
                 CASE WHEN g % 1000 = 0 THEN NULL ELSE 'p' END
          FROM generate_series(1, 20000) g;
        INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, lat, lng, address, first_source)
          SELECT 'i' || (g % 50), 'sos', now() - g * interval '1 minute', -1, 36,
                 CASE WHEN g % 1000 = 0 THEN NULL ELSE 'a' END, 'poll'
          FROM generate_series(1, 20000) g;
        ANALYZE tracksolid.trips; ANALYZE tracksolid.parking; ANALYZE tracksolid.alarms;
        """);
    try (Connection c = Sql.connect(db);
        Statement st = c.createStatement()) {
      for (String select : AddressBackfillJob.selects()) {
        String sql =
            select
                .replace("$1", "(now() - interval '30 days')")
                .replace("$2", "50")
                .replace("$3", "now()");
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        assertThat(plan.toString())
            .as(sql)
            .contains("backfill_pending_idx")
            .doesNotContain("Seq Scan");
      }
    }
  }
}
