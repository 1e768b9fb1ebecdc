package io.fleet.ingest.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server offers for TimescaleDB and what the migrations made of it, read once after
 * migrating and told to the operator in one log line. V3__timescale_hypertables.sql and
 * afterMigrate.sql decide; this only reports, so a server without TimescaleDB never fails startup.
 */
public record TimescaleStatus(
    boolean available,
    boolean installed,
    Optional<Boolean> preloaded,
    String version,
    String license,
    int hypertables,
    int compressionPolicies,
    int retentionPolicies,
    boolean ownerCanLogin) {
  private static final Logger log = LoggerFactory.getLogger(TimescaleStatus.class);
  static final int TIME_SERIES_TABLES = 4;

  /** Blocking JDBC; call at startup only. */
  public static TimescaleStatus read(DatabaseTarget target) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        Statement st = c.createStatement()) {
      boolean available;
      boolean installed;
      String version;
      String license;
      boolean ownerCanLogin;
      Optional<Boolean> preloaded;
      try (ResultSet rs =
          st.executeQuery(
              """
          SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),
                 (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),
                 current_setting('timescaledb.license', true),
                 COALESCE((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tracksolid_owner'), false),
                 (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'),
                 EXISTS (SELECT 1 FROM pg_settings
                         WHERE name = 'timescaledb.max_background_workers' AND vartype = 'integer')""")) {
        rs.next();
        available = rs.getBoolean(1);
        version = rs.getString(2);
        installed = version != null;
        license = rs.getString(3);
        ownerCanLogin = rs.getBoolean(4);
        String list = rs.getString(5);
        // pg_settings hides the list from roles without pg_read_all_settings; the settings the
        // preloaded library registers are visible to everyone.
        preloaded =
            list != null
                ? Optional.of(list.matches("(?s)(^|.*[\\s,\"/])timescaledb([\\s,\"].*|$)"))
                : rs.getBoolean(6) ? Optional.of(true) : Optional.empty();
      }
      int hypertables = 0;
      int compression = 0;
      int retention = 0;
      if (installed) {
        try (ResultSet rs =
            st.executeQuery(
                """
            SELECT (SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_schema = 'tracksolid'),
                   (SELECT count(*) FROM timescaledb_information.jobs
                     WHERE hypertable_schema = 'tracksolid' AND proc_name = 'policy_compression'),
                   (SELECT count(*) FROM timescaledb_information.jobs
                     WHERE hypertable_schema = 'tracksolid' AND proc_name = 'policy_retention')""")) {
          rs.next();
          hypertables = rs.getInt(1);
          compression = rs.getInt(2);
          retention = rs.getInt(3);
        }
      }
      return new TimescaleStatus(
          available,
          installed,
          preloaded,
          version,
          license,
          hypertables,
          compression,
          retention,
          ownerCanLogin);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the TimescaleDB status of " + target + ": " + e.getMessage(), e);
    }
  }

  public boolean apacheLicense() {
    return "apache".equals(license);
  }

  /** One line: INFO when things are as configured, WARN naming what to change when not. */
  public void log(Optional<Duration> compressAfter, Optional<Duration> retention) {
    if (!installed) {
      if (!available) {
        log.info(
            "TimescaleDB is not installed on this server: time-series tables are plain PostgreSQL tables");
      } else if (preloaded.isEmpty() || !preloaded.get()) {
        log.warn(
            "TimescaleDB is installed on this server but not loaded through shared_preload_libraries: the"
                + " time-series tables are plain PostgreSQL tables. Add timescaledb to shared_preload_libraries and"
                + " restart PostgreSQL to use it on a new database.");
      } else {
        log.warn(
            "TimescaleDB is loaded but the extension does not exist in this database (created before"
                + " TimescaleDB was loaded, or the migrating login may not create it): the time-series tables are"
                + " plain PostgreSQL tables. A new database, migrated by a superuser, gets hypertables.");
      }
      return;
    }
    if (hypertables < TIME_SERIES_TABLES) {
      log.warn(
          "TimescaleDB {}: only {} of the {} time-series tables are hypertables",
          version,
          hypertables,
          TIME_SERIES_TABLES);
      return;
    }
    boolean wantPolicies = compressAfter.isPresent() || retention.isPresent();
    if (apacheLicense()) {
      log.warn(
          "TimescaleDB {} with timescaledb.license = 'apache': {} hypertables without compression or retention"
              + " policies (they need the 'timescale' licence){}",
          version,
          hypertables,
          wantPolicies ? "; TIMESCALE_COMPRESS_AFTER and TIMESCALE_RETENTION are ignored" : "");
      return;
    }
    boolean complete =
        compressionPolicies == (compressAfter.isPresent() ? hypertables : 0)
            && retentionPolicies == (retention.isPresent() ? hypertables : 0);
    if (!complete) {
      log.warn(
          "TimescaleDB {}: {} hypertables with {} compression and {} retention policies, not as configured{}",
          version,
          hypertables,
          compressionPolicies,
          retentionPolicies,
          ownerCanLogin
              ? ""
              : " (policy jobs run as tracksolid_owner, which needs LOGIN; the migrating login"
                  + " may not grant it)");
      return;
    }
    log.info(
        "TimescaleDB {}: {} hypertables, compression after {}, retention {}",
        version,
        hypertables,
        compressAfter.map(Duration::toString).orElse("off"),
        retention.map(Duration::toString).orElse("off"));
  }
}
