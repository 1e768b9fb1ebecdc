package io.fleet.ingest.simulator.nominatim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator refuses what the public server refuses, and answers like it otherwise. */
class NominatimSimulatorTest {
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Futures.get(vertx.close(), 10);
  }

  int serve(NominatimSimulator sim) {
    Router router = Router.router(vertx);
    sim.mount(router);
    HttpServer server =
        Futures.get(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), 10);
    return server.actualPort();
  }

  Http.Response get(int port, String query, String agent) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/reverse?" + query));
    if (agent != null) {
      b.header("User-Agent", agent);
    }
    return Http.send(b.GET());
  }

  @Test
  void stockAgentsAreBlockedWithHtmlAndOthersGetJsonv2() {
    NominatimSimulator sim =
        new NominatimSimulator(NominatimSimulator.Options.defaults().withRate(0));
    int port = serve(sim);
    Http.Response stock =
        get(port, "lat=-1.28&lon=36.81&format=jsonv2", null); // Java-http-client/...
    assertThat(stock.status()).isEqualTo(403);
    assertThat(stock.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("html"));
    assertThat(stock.body()).contains("Access blocked");

    Http.Response ok = get(port, "lat=-1.28&lon=36.81&format=jsonv2", "test/1 (t@example.org)");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("display_name"))
        .isEqualTo(NominatimSimulator.displayName(-1.28, 36.81));
    assertThat(ok.json().getString("category")).isEqualTo("highway");
    assertThat(ok.json().getJsonObject("address").getString("country_code")).isEqualTo("sl");

    Http.Response sea = get(port, "lat=-70&lon=10&format=jsonv2", "test/1 (t@example.org)");
    assertThat(sea.status()).isEqualTo(200);
    assertThat(sea.json().getString("error")).isEqualTo("Unable to geocode");

    Http.Response missing = get(port, "lat=-1&format=jsonv2", "test/1 (t@example.org)");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getJsonObject("error").getString("message")).contains("lon");
    assertThat(sim.totalCalls()).isEqualTo(4);
  }

  @Test
  void callingFasterThanTheRateGets429() {
    NominatimSimulator sim = new NominatimSimulator(NominatimSimulator.Options.defaults());
    int port = serve(sim);
    assertThat(get(port, "lat=1&lon=1&format=jsonv2", "test/1 (t@example.org)").status())
        .isEqualTo(200);
    assertThat(get(port, "lat=1&lon=2&format=jsonv2", "test/1 (t@example.org)").status())
        .isEqualTo(429);
    assertThat(sim.maxCallsInAnyOneSecondWindow()).isEqualTo(2);
  }
}
