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
 * skipped, and the reason is printed once.
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
    DatabaseTarget admin = server();
    Assumptions.assumeTrue(admin != null, unavailable);
    DatabaseTarget db = TestDatabases.freshOn(admin);
    synchronized (TimescaleDatabases.class) {
      created.add(db.database());
    }
    return db;
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
