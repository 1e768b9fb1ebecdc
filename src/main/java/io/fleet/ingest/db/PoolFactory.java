package io.fleet.ingest.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;

/** Builds the runtime's reactive pool. */
public final class PoolFactory {
  private PoolFactory() {}

  /**
   * The role is a startup parameter rather than a SET ROLE after connecting: a connection that
   * cannot take the least-privilege role then fails outright instead of joining the pool with more
   * rights than it should have.
   */
  public static Pool create(Vertx vertx, DatabaseTarget target, int size, String runtimeRole) {
    return create(vertx, target, size, runtimeRole, Map.of());
  }

  /** With the runtime role's session limits ({@link RoleSettings}) as startup parameters. */
  public static Pool create(
      Vertx vertx,
      DatabaseTarget target,
      int size,
      String runtimeRole,
      Map<String, String> roleSettings) {
    PgConnectOptions options = target.connectOptions().addProperty("TimeZone", "UTC");
    if (!runtimeRole.isEmpty()) {
      options.addProperty("role", runtimeRole);
    }
    roleSettings.forEach(options::addProperty);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("tracksolid-pg"))
        .connectingTo(options)
        .using(vertx)
        .build();
  }
}
