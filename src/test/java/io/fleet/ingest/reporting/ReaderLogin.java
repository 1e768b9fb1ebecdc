package io.fleet.ingest.reporting;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Sql;

/** A real login that holds only tracksolid_reader, as an analyst or Grafana would connect. */
final class ReaderLogin {
  private ReaderLogin() {}

  static DatabaseTarget create(DatabaseTarget db) {
    // Roles are cluster-wide; the database name keeps parallel test classes apart.
    String name = "analyst_" + db.database();
    String password = "pw-" + Long.toHexString(System.nanoTime());
    Sql.exec(
        db,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
            + name
            + "') THEN "
            + "CREATE ROLE "
            + name
            + " LOGIN; END IF; END $$; ALTER ROLE "
            + name
            + " PASSWORD '"
            + password
            + "'; "
            + "GRANT tracksolid_reader TO "
            + name);
    return new DatabaseTarget(db.host(), db.port(), db.database(), name, password, db.sslMode());
  }
}
