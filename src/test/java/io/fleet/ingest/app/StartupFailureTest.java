package io.fleet.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A module that cannot start fails the start-up promptly and leaves nothing running. */
class StartupFailureTest {

  @Test
  void aFailingModuleFailsStartupAndReleasesEverything() throws Exception {
    DatabaseTarget db = TestDatabases.fresh();
    AppConfig config = AppConfig.load(TestService.baseEnv(db), false);
    ServiceModule broken =
        new ServiceModule() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public Future<Void> start() {
            return Future.failedFuture(new IllegalStateException("cannot start on purpose"));
          }
        };
    Throwable failure =
        Service.start(config, Clock.systemUTC(), c -> List.of(broken))
            .toCompletionStage()
            .toCompletableFuture()
            .handle((ok, err) -> err)
            .get(60, TimeUnit.SECONDS);
    assertThat(failure).hasMessageContaining("cannot start on purpose");
    // The pool was closed: no connection of the service is left on the server.
    long open =
        Sql.count(
            db,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                + db.database()
                + "' AND application_name = 'tracksolid-ingest' AND pid <> pg_backend_pid()");
    assertThat(open).isZero();
  }
}
