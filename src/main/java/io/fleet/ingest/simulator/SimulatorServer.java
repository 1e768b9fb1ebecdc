package io.fleet.ingest.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Vert.x HTTP server for the stand-ins of external systems: the Tracksolid OpenAPI at POST
 * /route/rest, plus whatever {@code extraMounts} add (the Nominatim stand-in mounts GET /reverse
 * this way). Used by --demo, the {@code simulator} command, tests and benchmarks.
 */
public final class SimulatorServer {
  private final HttpServer server;
  private final TracksolidSimulator tracksolid;
  private final String host;

  private SimulatorServer(HttpServer server, TracksolidSimulator tracksolid, String host) {
    this.server = server;
    this.tracksolid = tracksolid;
    this.host = host;
  }

  public static Future<SimulatorServer> start(Vertx vertx, SimulatorOptions options) {
    return start(vertx, options, List.of());
  }

  public static Future<SimulatorServer> start(
      Vertx vertx, SimulatorOptions options, List<Consumer<Router>> extraMounts) {
    TracksolidSimulator tracksolid = new TracksolidSimulator(vertx, options);
    Router router = Router.router(vertx);
    tracksolid.mount(router);
    extraMounts.forEach(m -> m.accept(router));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(options.port(), options.host())
        .map(server -> new SimulatorServer(server, tracksolid, options.host()));
  }

  public int port() {
    return server.actualPort();
  }

  /** The URL to configure as TRACKSOLID_BASE_URL. */
  public String tracksolidUrl() {
    return "http://" + host + ":" + port() + TracksolidSimulator.PATH;
  }

  /** The server's root, for other stand-ins mounted on it (e.g. NOMINATIM_URL). */
  public String baseUrl() {
    return "http://" + host + ":" + port();
  }

  public TracksolidSimulator tracksolid() {
    return tracksolid;
  }

  public Future<Void> close() {
    return server.close();
  }
}
