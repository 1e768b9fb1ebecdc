package io.fleet.ingest.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 17 run by the service itself when no DATABASE_URL is given. Its data directory is kept
 * between runs, so a local install keeps its history. Blocking: call it at startup only.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  static final String DATABASE = "tracksolid";

  private final EmbeddedPostgres postgres;
  private final DatabaseTarget target;

  private EmbeddedDatabase(EmbeddedPostgres postgres, DatabaseTarget target) {
    this.postgres = postgres;
    this.target = target;
  }

  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException, SQLException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    boolean fresh = !Files.exists(dir.resolve("PG_VERSION"));
    Path runtime = dir.resolveSibling(dir.getFileName() + "-runtime");
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            // The binaries are unpacked beside the data (./data/pg-runtime), not into the shared
            // temp directory.
            .setOverrideWorkingDirectory(runtime.toFile())
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("timezone", "UTC")
            .setServerConfig("max_connections", "100");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    ownerOnlyWrites(runtime);
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      boolean exists;
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        st.execute("CREATE DATABASE " + DATABASE);
      }
    }
    log.info(
        "embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({})",
        postgres.getPort(),
        dir,
        fresh ? "new" : "reused");
    DatabaseTarget target =
        new DatabaseTarget(
            "127.0.0.1",
            postgres.getPort(),
            DATABASE,
            "postgres",
            "",
            io.vertx.pgclient.SslMode.DISABLE);
    return new EmbeddedDatabase(postgres, target);
  }

  /**
   * zonky makes its directory world-writable (it expects a shared temp dir); binaries we run must
   * not be.
   */
  private static void ownerOnlyWrites(Path runtime) {
    try {
      Files.setPosixFilePermissions(
          runtime, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException | IOException notPosix) {
      log.debug("cannot restrict {}", runtime, notPosix);
    }
  }

  public DatabaseTarget target() {
    return target;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    log.info("embedded PostgreSQL stopped");
  }
}
