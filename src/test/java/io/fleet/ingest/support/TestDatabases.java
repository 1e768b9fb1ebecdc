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

/**
 * Gives each test a fresh database on one plain PostgreSQL server per JVM: TEST_DATABASE_URL when
 * set, otherwise an embedded PostgreSQL 17. The TimescaleDB tests get their own server from {@link
 * TimescaleDatabases}; the main suite never switches flavour because Docker happens to exist.
 */
public final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseTarget admin;

  private TestDatabases() {}

  /** A new, empty database; nothing else in the JVM uses it. */
  public static DatabaseTarget fresh() {
    return freshOn(server());
  }

  /** A new, empty database on the given server (a superuser URL). */
  public static DatabaseTarget freshOn(DatabaseTarget server) {
    String name = "t_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.jdbcProperties());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return server.withDatabase(name);
  }

  private static synchronized DatabaseTarget server() {
    if (admin != null) {
      return admin;
    }
    String url = System.getenv("TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      admin = DatabaseTarget.fromUri(url, Optional.empty());
    } else {
      admin = startEmbedded();
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
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                  } catch (Exception ignored) {
                    // the JVM is exiting
                  }
                }));
    return new DatabaseTarget(
        "127.0.0.1", pg.getPort(), "postgres", "postgres", "", SslMode.DISABLE);
  }
}
