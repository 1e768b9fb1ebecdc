package io.fleet.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** On stop the server refuses new requests, while one already in flight still gets its answer. */
class GracefulStopTest {

  @Test
  void inFlightRequestFinishesWithinGraceAndNewOnesAreRefused() throws Exception {
    CountDownLatch inFlight = new CountDownLatch(1);
    java.util.function.Function<ServiceContext, ServiceModule> slow =
        context ->
            new ServiceModule() {
              @Override
              public String name() {
                return "slow-endpoint";
              }

              @Override
              public Future<Void> start() {
                context
                    .router()
                    .get("/slow")
                    .handler(
                        ctx -> {
                          inFlight.countDown();
                          context.vertx().setTimer(1_500, t -> ctx.response().end("done"));
                        });
                return Future.succeededFuture();
              }
            };
    RunningService service =
        TestService.start(
            TestService.baseEnv(TestDatabases.fresh()),
            Clock.systemUTC(),
            context -> List.of(slow.apply(context)));
    int port = service.httpPort();

    CompletableFuture<Http.Response> pending =
        CompletableFuture.supplyAsync(() -> Http.get(port, "/slow"));
    assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> stopped = service.stop().toCompletionStage().toCompletableFuture();

    Http.Response answer = pending.get(10, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("done");
    stopped.get(20, TimeUnit.SECONDS);
    assertThat(catchThrowable(() -> Http.get(port, "/health")))
        .as("no longer accepting")
        .isNotNull();
  }
}
