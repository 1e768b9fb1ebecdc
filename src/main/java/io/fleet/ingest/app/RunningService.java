package io.fleet.ingest.app;

import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** A started service: where it listens, what it talks to, and how to stop it gracefully. */
public interface RunningService {

  Vertx vertx();

  int httpPort();

  DatabaseTarget database();

  ServiceContext context();

  /** The modules that started, in start order. */
  List<ServiceModule> modules();

  /**
   * Stops taking requests, lets in-flight work finish within the grace period, then closes
   * everything.
   */
  Future<Void> stop();
}
