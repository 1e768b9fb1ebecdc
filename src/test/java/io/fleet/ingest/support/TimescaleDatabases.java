package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.pgclient.SslMode;
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

  private TimescaleDatabases() {
  }

  /** A fresh database on the TimescaleDB server, or a skipped test saying why there is none. */
  public static DatabaseTarget freshOrSkip() {
    DatabaseTarget admin = server();
    Assumptions.assumeTrue(admin != null, unavailable);
    return TestDatabases.freshOn(admin);
  }

  private static synchronized DatabaseTarget server() {
    if (server != null || unavailable != null) {
      return server;
    }
    String url = System.getenv("TEST_TIMESCALE_URL");
    if (url != null && !url.isBlank()) {
      server = DatabaseTarget.fromUri(url, Optional.empty());
    } else if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer(
          DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres"));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      server = new DatabaseTarget(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
          container.getUsername(), container.getPassword(), SslMode.DISABLE);
    } else {
      unavailable = "TimescaleDB tests skipped: set TEST_TIMESCALE_URL (superuser URL, timescaledb preloaded)"
          + " or run where Docker is available for " + IMAGE;
      System.out.println(unavailable);
    }
    return server;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }
}
