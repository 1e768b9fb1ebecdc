package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.pgclient.SslMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives each test class a fresh database on one server per JVM, chosen in this order:
 * TEST_DATABASE_URL when set; Testcontainers TimescaleDB when Docker is available; otherwise an
 * embedded PostgreSQL 17.
 */
public final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseTarget admin;
  private static String flavour;

  private TestDatabases() {
  }

  /** A new, empty database; nothing else in the JVM uses it. */
  public static DatabaseTarget fresh() {
    DatabaseTarget server = server();
    String name = "t_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.jdbcProperties());
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return server.withDatabase(name);
  }

  /** Which server the tests use: "url", "timescaledb" or "embedded". */
  public static synchronized String flavour() {
    server();
    return flavour;
  }

  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  private static synchronized DatabaseTarget server() {
    if (admin != null) {
      return admin;
    }
    String url = System.getenv("TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      admin = DatabaseTarget.fromUri(url, Optional.empty());
      flavour = "url";
    } else if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer(
          DockerImageName.parse("timescale/timescaledb:2.28.3-pg17").asCompatibleSubstituteFor("postgres"));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      admin = new DatabaseTarget(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
          container.getUsername(), container.getPassword(), SslMode.DISABLE);
      flavour = "timescaledb";
    } else {
      admin = startEmbedded();
      flavour = "embedded";
    }
    return admin;
  }

  /** A separate embedded server a test may stop on purpose. */
  public static EmbeddedPostgres startOwnEmbedded() {
    try {
      return EmbeddedPostgres.builder()
          .setServerConfig("timezone", "UTC")
          .setServerConfig("max_connections", "200")
          .start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL", e);
    }
  }

  private static DatabaseTarget startEmbedded() {
    EmbeddedPostgres pg = startOwnEmbedded();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (Exception ignored) {
        // the JVM is exiting
      }
    }));
    return new DatabaseTarget("127.0.0.1", pg.getPort(), "postgres", "postgres", "", SslMode.DISABLE);
  }
}
