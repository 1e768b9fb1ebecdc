package io.fleet.ingest.webhook;

import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.pgclient.SslMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/** An embedded PostgreSQL a test can stop and start again on the same data and port. */
final class RestartablePostgres implements AutoCloseable {
  private final Path dir;
  private final int port;
  private EmbeddedPostgres pg;

  RestartablePostgres(Path dir) throws Exception {
    this.dir = dir;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    start();
  }

  void start() throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("timezone", "UTC")
            .setServerConfig("max_connections", "50")
            .start();
  }

  void stop() throws IOException {
    pg.close();
    pg = null;
  }

  DatabaseTarget target() {
    return new DatabaseTarget("127.0.0.1", port, "postgres", "postgres", "", SslMode.DISABLE);
  }

  @Override
  public void close() throws IOException {
    if (pg != null) {
      stop();
    }
  }
}
