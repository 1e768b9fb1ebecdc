package io.fleet.ingest.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Databases created before the migrations were squashed into one linear history carry Flyway
 * versions 1, 2, 3, 20, 21, 40-43 and 50, which the current files do not resolve. Such a database
 * has exactly the schema that V1-V3 of the squashed history build, so it is adopted: its history is
 * kept aside as flyway_schema_history_pre_squash, and the live history restarts with a baseline at
 * {@link #ADOPTED_VERSION}, after which V4 (the tightened writer rights) and every later migration
 * apply as on a fresh database. Anything else that does not match (a failed or partial history,
 * edited files) is refused with what to do.
 */
final class LegacyHistory {
  private static final Logger log = LoggerFactory.getLogger(LegacyHistory.class);

  /** The squashed version whose schema equals the complete legacy history. */
  static final String ADOPTED_VERSION = "3";

  static final String KEPT_AS = "flyway_schema_history_pre_squash";
  private static final long LOCK = 7347120002L;

  /**
   * Version -> Flyway checksum of each file of the legacy layout, as its last commit shipped it.
   */
  static final Map<String, Integer> CHECKSUMS =
      Map.of(
          "1",
          -1466580517,
          "2",
          1349641394,
          "3",
          -272544774,
          "20",
          -239347624,
          "21",
          -1836135724,
          "40",
          690055250,
          "41",
          586473283,
          "42",
          1259496865,
          "43",
          905547017,
          "50",
          1882952887);

  private LegacyHistory() {}

  static void adoptIfPresent(DatabaseTarget target) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties())) {
      if (!isLegacy(c)) {
        return;
      }
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // Replicas that start together: the second finds the work done once it gets the lock.
        st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
        if (!isLegacy(c)) {
          c.rollback();
          return;
        }
        Map<String, Integer> applied = applied(c);
        if (!applied.equals(new TreeMap<>(CHECKSUMS))) {
          throw new IllegalStateException(refusal(target, applied));
        }
        st.execute("CREATE TABLE " + KEPT_AS + " AS TABLE flyway_schema_history");
        st.execute("DELETE FROM flyway_schema_history");
        try (PreparedStatement ps =
            c.prepareStatement(
                """
            INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,
                                               installed_by, execution_time, success)
            VALUES (1, ?, 'adopted schema of the pre-squash migrations', 'BASELINE', '<< Flyway Baseline >>',
                    NULL, current_user, 0, true)""")) {
          ps.setString(1, ADOPTED_VERSION);
          ps.executeUpdate();
        }
      }
      c.commit();
      log.warn(
          "database {} was created by the migration layout before the squash: adopted at version {}"
              + " (its old history is kept in {})",
          target.database(),
          ADOPTED_VERSION,
          KEPT_AS);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot check the migration history of " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * The legacy layout's first migration was "core schema"; the squashed one's is "roles and
   * schemas".
   */
  private static boolean isLegacy(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return false;
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT EXISTS (SELECT 1 FROM flyway_schema_history WHERE version = '1' AND description = 'core schema')")) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static Map<String, Integer> applied(Connection c) throws SQLException {
    Map<String, Integer> applied = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                """
             SELECT COALESCE(version, description), checksum, success FROM flyway_schema_history
             ORDER BY installed_rank""")) {
      while (rs.next()) {
        // A failed, repeated or unknown entry can never equal the expected map.
        String key = rs.getString(1);
        Integer checksum = rs.getBoolean(3) ? (Integer) rs.getObject(2) : null;
        applied.put(applied.containsKey(key) ? key + " (again)" : key, checksum);
      }
    }
    return applied;
  }

  private static String refusal(DatabaseTarget target, Map<String, Integer> applied) {
    return "database "
        + target.database()
        + " was created by the migration layout before the squash, but its"
        + " history (versions "
        + String.join(", ", applied.keySet())
        + ") is not the complete, successful history"
        + " this version can adopt (versions 1, 2, 3, 20, 21, 40, 41, 42, 43, 50 with their released contents)."
        + " Start on an empty database: back up what you need, then point DATABASE_URL at a new database, or for"
        + " the embedded database stop the service and move EMBEDDED_PG_DIR (default ./data/pg) aside.";
  }
}
