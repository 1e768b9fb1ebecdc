package io.fleet.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService;
import io.vertx.pgclient.SslMode;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server where the timescaledb package is installed (listed in pg_available_extensions) but not
 * loaded through shared_preload_libraries, as after a plain package install. The real extension
 * would end the connection with FATAL on CREATE EXTENSION; a stand-in whose script fails takes its
 * place in a throw-away embedded server's own copy of the binaries, so any attempt shows up.
 */
class TimescaleNotPreloadedTest {

  @Test
  void theServiceStartsOnPlainTablesAndWarnsOnceNamingSharedPreloadLibraries(@TempDir Path dir)
      throws Exception {
    // A resolver of its own: zonky reuses binaries already extracted in this JVM per resolver, and
    // the stand-in must go into this server's private copy, never into the shared one.
    PgBinaryResolver own =
        (system, machine) -> DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machine);
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setPgBinaryResolver(own)
            .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
            .setDataDirectory(dir.resolve("data"))
            .setServerConfig("timezone", "UTC")
            .start()) {
      Path extensions;
      try (Stream<Path> found =
          Files.find(
              dir.resolve("binaries"),
              5,
              (p, a) ->
                  p.endsWith(Path.of("share", "postgresql", "extension")) && a.isDirectory())) {
        extensions = found.findFirst().orElseThrow();
      }
      Files.writeString(
          extensions.resolve("timescaledb.control"),
          """
          comment = 'stand-in for an installed, not preloaded TimescaleDB'
          default_version = '2.28.3'
          relocatable = false
          """);
      Files.writeString(
          extensions.resolve("timescaledb--2.28.3.sql"),
          """
          DO $$ BEGIN RAISE EXCEPTION 'extension "timescaledb" must be preloaded'; END $$;
          """);
      DatabaseTarget db =
          new DatabaseTarget(
              "127.0.0.1", pg.getPort(), "postgres", "postgres", "", SslMode.DISABLE);
      assertThat(
              Sql.count(
                  db, "SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'"))
          .isEqualTo(1);

      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ListAppender<ILoggingEvent> logs = new ListAppender<>();
      logs.start();
      root.addAppender(logs);
      RunningService service = null;
      try {
        service = TestService.start(TestService.baseEnv(db), Clock.systemUTC());
        assertThat(Http.get(service.httpPort(), "/health").status()).isEqualTo(200);
      } finally {
        TestService.stop(service);
        root.detachAppender(logs);
      }

      assertThat(Sql.count(db, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"))
          .isZero();
      assertThat(
              Sql.rows(
                  db,
                  "SELECT c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n"
                      + " ON n.oid = c.relnamespace WHERE n.nspname = 'tracksolid' AND c.relname IN"
                      + " ('alarms', 'trips', 'parking', 'position_history')"))
          .extracting(r -> r.get("kind"))
          .containsExactly("r", "r", "r", "r");
      List<String> warnings =
          logs.list.stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.contains("shared_preload_libraries"))
              .toList();
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("TimescaleDB").contains("plain PostgreSQL tables");
    }
  }
}
