package io.fleet.ingest.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a restore's target must be before pg_restore touches it; each check that fails refuses the
 * restore with what to do instead.
 */
final class RestoreTargetChecks {
  private RestoreTargetChecks() {}

  /** Same major server version; every extension of the backup available at the backup's version. */
  static void versions(Manifest manifest, Connection c, DatabaseFacts target)
      throws SQLException, BackupException {
    if (manifest.major() != target.major()) {
      throw BackupException.refused(
          "version mismatch: the backup was taken from PostgreSQL "
              + manifest.serverVersion()
              + " (major "
              + manifest.major()
              + ") but the target runs "
              + target.serverVersion()
              + " (major "
              + target.major()
              + "); restore into a server of the same major "
              + "version, then upgrade it");
    }
    for (Map.Entry<String, String> ext : manifest.extensions().entrySet()) {
      String installed = target.extensions().get(ext.getKey());
      if (installed != null && !installed.equals(ext.getValue())) {
        throw BackupException.refused(
            "version mismatch: the backup has extension "
                + ext.getKey()
                + " "
                + ext.getValue()
                + " but the target has "
                + installed
                + "; restore into a database with "
                + ext.getKey()
                + " "
                + ext.getValue()
                + ", then update the extension");
      }
      List<String> offered =
          installed != null ? List.of(installed) : availableVersions(c, ext.getKey());
      if (!offered.contains(ext.getValue())) {
        throw BackupException.refused(
            "version mismatch: the backup has extension "
                + ext.getKey()
                + " "
                + ext.getValue()
                + " but the target server "
                + (offered.isEmpty()
                    ? "does not offer it"
                    : "offers only " + String.join(", ", offered))
                + "; restore into a server with "
                + ext.getKey()
                + " "
                + ext.getValue()
                + ", then update the extension");
      }
    }
  }

  private static List<String> availableVersions(Connection c, String extension)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT version FROM pg_available_extension_versions WHERE name = ? "
                + "ORDER BY version")) {
      ps.setString(1, extension);
      List<String> versions = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          versions.add(rs.getString(1));
        }
      }
      return versions;
    }
  }

  /** No table, view or sequence of its own: a restore must not mix with data already there. */
  static void empty(Connection c, String database) throws SQLException, BackupException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                """
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT LIKE '\\_timescaledb%'
          AND n.nspname NOT IN ('timescaledb_information', 'timescaledb_experimental')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')""")) {
      rs.next();
      long relations = rs.getLong(1);
      if (relations > 0) {
        throw BackupException.refused(
            "the target database "
                + database
                + " is not empty ("
                + relations
                + " tables, views or sequences): restore into an empty database, or pass --force to replace them");
      }
    }
  }
}
