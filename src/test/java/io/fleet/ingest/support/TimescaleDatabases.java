package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.pgclient.SslMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A TimescaleDB server for the TimescaleDB tests, beside the plain PostgreSQL of the main suite:
 * TEST_TIMESCALE_URL (a superuser URL of a server with timescaledb in shared_preload_libraries)
 * when set; else the pinned image through Testcontainers where Docker runs; else the tests are
 * skipped, and the reason is printed once. With TEST_TIMESCALE_REQUIRED=true (CI sets it, since it
 * starts a server) a test that would skip fails instead: a TimescaleDB test skipped in CI is a test
 * that proved nothing.
 */
public final class TimescaleDatabases {
  /** The one TimescaleDB version the project runs on; docker-compose.yaml pins the same image. */
  public static final String IMAGE = "timescale/timescaledb:2.28.3-pg17";

  private static DatabaseTarget server;
  private static String unavailable;

  /** Databases made on a TEST_TIMESCALE_URL server, dropped when the test JVM exits. */
  private static final List<String> created = new ArrayList<>();

  private TimescaleDatabases() {}

  /** A fresh database on the TimescaleDB server, or a skipped test saying why there is none. */
  public static DatabaseTarget freshOrSkip() {
    DatabaseTarget db = TestDatabases.freshOn(serverOrSkip());
    synchronized (TimescaleDatabases.class) {
      created.add(db.database());
    }
    return db;
  }

  /** A superuser target on the TimescaleDB server, or a skipped test saying why there is none. */
  public static DatabaseTarget serverOrSkip() {
    DatabaseTarget admin = server();
    assumeOrFail(admin != null, unavailable);
    return admin;
  }

  /**
   * Skips the test when {@code condition} is false, or fails it under TEST_TIMESCALE_REQUIRED,
   * where a missing piece is a broken CI set-up rather than a machine without TimescaleDB.
   */
  public static void assumeOrFail(boolean condition, String reason) {
    if (condition) {
      return;
    }
    if (Boolean.parseBoolean(System.getenv("TEST_TIMESCALE_REQUIRED"))) {
      throw new AssertionError("TEST_TIMESCALE_REQUIRED is set, but: " + reason);
    }
    Assumptions.assumeTrue(false, reason);
  }

  private static synchronized DatabaseTarget server() {
    if (server != null || unavailable != null) {
      return server;
    }
    String url = System.getenv("TEST_TIMESCALE_URL");
    if (url != null && !url.isBlank()) {
      server = DatabaseTarget.fromUri(url, Optional.empty());
      // A server that outlives the run: each database with the extension keeps a TimescaleDB
      // scheduler (a background worker) busy, so leftovers would pile up run after run.
      DatabaseTarget admin = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> dropCreated(admin)));
      System.out.println("TimescaleDB tests run against " + describe(admin));
    } else if (dockerAvailable()) {
      PostgreSQLContainer container =
          new PostgreSQLContainer(
              DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres"));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      server =
          new DatabaseTarget(
              container.getHost(),
              container.getMappedPort(5432),
              container.getDatabaseName(),
              container.getUsername(),
              container.getPassword(),
              SslMode.DISABLE);
    } else {
      unavailable =
          "TimescaleDB tests skipped: set TEST_TIMESCALE_URL (superuser URL, timescaledb preloaded)"
              + " or run where Docker is available for "
              + IMAGE;
      System.out.println(unavailable);
    }
    return server;
  }

  /** "TimescaleDB 2.28.3 (licence timescale) on PostgreSQL 15.20", for the test log. */
  private static String describe(DatabaseTarget admin) {
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT (SELECT default_version FROM pg_available_extensions"
                    + " WHERE name = 'timescaledb') AS ts,"
                    + " current_setting('timescaledb.license', true) AS licence,"
                    + " current_setting('server_version') AS pg")) {
      rs.next();
      return "TimescaleDB "
          + rs.getString("ts")
          + " (licence "
          + rs.getString("licence")
          + ") on PostgreSQL "
          + rs.getString("pg");
    } catch (SQLException e) {
      return admin.host() + ":" + admin.port() + " (version unreadable: " + e.getMessage() + ")";
    }
  }

  private static synchronized void dropCreated(DatabaseTarget admin) {
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        Statement st = c.createStatement()) {
      for (String name : created) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      System.err.println(
          "could not drop the TimescaleDB test databases " + created + ": " + e.getMessage());
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }
}
