package io.fleet.ingest.backup;

import io.fleet.ingest.db.DatabaseTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A read-only REPEATABLE READ transaction whose snapshot is exported: the row counts are read in
 * it, and pg_dump --snapshot dumps exactly the same state, so manifest and dump agree. The
 * transaction stays open until the dump has finished.
 */
final class SourceSnapshot implements AutoCloseable {
  private final Connection connection;
  private final String id;
  private final DatabaseFacts facts;

  private SourceSnapshot(Connection connection, String id, DatabaseFacts facts) {
    this.connection = connection;
    this.id = id;
    this.facts = facts;
  }

  static SourceSnapshot open(DatabaseTarget db) throws BackupException {
    Connection c = null;
    try {
      java.util.Properties props = db.jdbcProperties();
      props.setProperty("ApplicationName", "tracksolid-backup");
      c = DriverManager.getConnection(db.jdbcUrl(), props);
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      String id;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
        rs.next();
        id = rs.getString(1);
      }
      return new SourceSnapshot(c, id, DatabaseFacts.read(c));
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already failing
        }
      }
      throw new BackupException("cannot read the database " + db + ": " + e.getMessage(), e);
    }
  }

  String id() {
    return id;
  }

  DatabaseFacts facts() {
    return facts;
  }

  @Override
  public void close() {
    try {
      connection.rollback();
      connection.close();
    } catch (SQLException ignored) {
      // read-only: nothing to lose
    }
  }
}
