package io.fleet.ingest.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The session limits set on the runtime role (ALTER ROLE tracksolid_ingest SET ..., see
 * V4__runtime_role_limits.sql). PostgreSQL applies a role's settings only to a login of that role,
 * and the service logs in as its own user holding the role, so they are read once at startup and
 * sent as startup parameters on every pool connection. Only the timeouts are taken: they are the
 * limits the schema promises, and any role may set them.
 */
public final class RoleSettings {
  static final Set<String> TAKEN =
      Set.of("statement_timeout", "idle_in_transaction_session_timeout", "lock_timeout");

  private RoleSettings() {}

  /**
   * Blocking JDBC; call at startup only. A database-specific setting wins over a cluster-wide one.
   */
  public static Map<String, String> read(DatabaseTarget target, String role) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (role.isEmpty()) {
      return settings;
    }
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        PreparedStatement ps =
            c.prepareStatement(
                """
             SELECT split_part(cfg, '=', 1), substr(cfg, strpos(cfg, '=') + 1)
             FROM pg_db_role_setting s
             JOIN pg_roles r ON r.oid = s.setrole
             CROSS JOIN LATERAL unnest(s.setconfig) WITH ORDINALITY AS u(cfg, n)
             WHERE r.rolname = ?
               AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
             ORDER BY s.setdatabase, u.n""")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (TAKEN.contains(rs.getString(1))) {
            settings.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      return settings;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the settings of role " + role + " on " + target + ": " + e.getMessage(), e);
    }
  }
}
