package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.db.PoolFactory;
import io.fleet.ingest.support.TestService.Futures;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * A fresh, migrated database and a reactive pool on it that runs as the service does, as the
 * least-privilege role tracksolid_ingest: for tests of one component without the whole service.
 */
public record RuntimePool(DatabaseTarget db, Vertx vertx, Pool pool) implements AutoCloseable {

  public static RuntimePool onFreshDatabase() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    Vertx vertx = Vertx.vertx();
    return new RuntimePool(db, vertx, PoolFactory.create(vertx, db, 2, "tracksolid_ingest"));
  }

  @Override
  public void close() {
    Futures.get(pool.close(), 10);
    Futures.get(vertx.close(), 10);
  }
}
