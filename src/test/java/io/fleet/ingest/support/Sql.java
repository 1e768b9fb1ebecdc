package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC for assertions from test threads: what an analyst or operator would query. */
public final class Sql {
  private Sql() {}

  public static Connection connect(DatabaseTarget db) {
    try {
      return DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static long count(DatabaseTarget db, String sql) {
    return ((Number) one(db, sql).values().iterator().next()).longValue();
  }

  public static Map<String, Object> one(DatabaseTarget db, String sql) {
    List<Map<String, Object>> rows = rows(db, sql);
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row, got " + rows.size() + " for " + sql);
    }
    return rows.get(0);
  }

  public static List<Map<String, Object>> rows(DatabaseTarget db, String sql) {
    try (Connection c = connect(db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      List<Map<String, Object>> out = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public static void exec(DatabaseTarget db, String sql) {
    try (Connection c = connect(db);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
