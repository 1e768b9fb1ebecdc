package io.fleet.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The TimescaleDB path; reported as skipped where there is no Docker. */
@Testcontainers(disabledWithoutDocker = true)
class TimescaleMigrationTest {

  @Test
  void timeSeriesTablesBecomeHypertablesWithPolicies() {
    DatabaseTarget db = TestDatabases.fresh();
    org.junit.jupiter.api.Assumptions.assumeTrue("timescaledb".equals(TestDatabases.flavour()),
        "TEST_DATABASE_URL points at a server without TimescaleDB");
    Migrator.migrate(db, Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofDays(400)));
    assertThat(Sql.count(db, "SELECT count(*) FROM timescaledb_information.hypertables"
        + " WHERE hypertable_schema = 'tracksolid'")).isEqualTo(4);
    assertThat(Sql.count(db, "SELECT count(*) FROM timescaledb_information.jobs"
        + " WHERE proc_name IN ('policy_compression', 'policy_retention')")).isEqualTo(8);
    // Re-running with other settings replaces the policies instead of stacking them.
    Migrator.migrate(db, Optional.empty(), Optional.of(Duration.ofDays(30)));
    assertThat(Sql.count(db, "SELECT count(*) FROM timescaledb_information.jobs"
        + " WHERE proc_name = 'policy_retention'")).isEqualTo(4);
  }
}
