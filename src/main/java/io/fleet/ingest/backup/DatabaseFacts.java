package io.fleet.ingest.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a backup records about its database, and what a restore compares: the server version, the
 * installed extensions and the row count of every table and reporting view of the service's two
 * schemas. Read on the caller's connection, so inside a backup's exported snapshot the counts are
 * exactly those of the dump.
 */
public record DatabaseFacts(
    String serverVersion,
    int serverVersionNum,
    Map<String, String> extensions,
    Map<String, Long> tables,
    Map<String, Long> views) {

  /** The schemas whose rows are counted: the service's data, not other tenants of the database. */
  static final List<String> SCHEMAS = List.of("tracksolid", "reporting");

  public int major() {
    return serverVersionNum / 10000;
  }

  public static DatabaseFacts read(Connection c) throws SQLException {
    String version;
    int versionNum;
    Map<String, String> extensions = new TreeMap<>();
    try (Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT current_setting('server_version'), "
                  + "current_setting('server_version_num')::int")) {
        rs.next();
        version = rs.getString(1);
        versionNum = rs.getInt(2);
      }
      try (ResultSet rs =
          st.executeQuery("SELECT extname, extversion FROM pg_extension ORDER BY 1")) {
        while (rs.next()) {
          extensions.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    Map<String, Long> tables = new TreeMap<>();
    Map<String, Long> views = new TreeMap<>();
    for (String[] rel : relations(c)) {
      String name = rel[0] + "." + rel[1];
      boolean table = rel[2].equals("r") || rel[2].equals("p");
      Long rows = count(c, rel[0], rel[1]);
      if (rows != null) {
        (table ? tables : views).put(name, rows);
      }
    }
    return new DatabaseFacts(version, versionNum, extensions, tables, views);
  }

  private static List<String[]> relations(Connection c) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            """
        SELECT n.nspname, c.relname, c.relkind::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
          AND (c.relkind <> 'm' OR c.relispopulated)
        ORDER BY 1, 2""")) {
      ps.setArray(1, c.createArrayOf("text", SCHEMAS.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
    }
    return out;
  }

  /**
   * count(*) under a savepoint: a view the reading role may not evaluate is left out (and the
   * transaction, with its snapshot, survives) rather than failing the whole backup.
   */
  private static Long count(Connection c, String schema, String relation) throws SQLException {
    boolean tx = !c.getAutoCommit();
    java.sql.Savepoint sp = tx ? c.setSavepoint() : null;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT count(*) FROM " + quote(schema) + "." + quote(relation))) {
      rs.next();
      long n = rs.getLong(1);
      if (sp != null) {
        c.releaseSavepoint(sp);
      }
      return n;
    } catch (SQLException e) {
      if (sp != null) {
        c.rollback(sp);
      }
      org.slf4j.LoggerFactory.getLogger(DatabaseFacts.class)
          .warn("row count of {}.{} left out: {}", schema, relation, e.getMessage());
      return null;
    }
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
