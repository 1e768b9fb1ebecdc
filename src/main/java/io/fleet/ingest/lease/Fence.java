package io.fleet.ingest.lease;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The lease a scheduled slice writes under. Checked inside the slice's write transaction with a
 * share lock, so a replica whose lease lapsed (or was taken over) mid-run cannot commit a slice,
 * and a takeover waits until an in-flight commit is done.
 */
public record Fence(String lease, String owner) {
  private static final String HELD =
      "SELECT 1 FROM tracksolid.leases WHERE name = $1 AND owner = $2 AND expires_at > $3 FOR SHARE";

  /** Thrown into the slice (which then rolls back) when the lease is no longer ours. */
  public static final class LeaseLost extends IllegalStateException {
    LeaseLost(Fence fence) {
      super(
          "lease " + fence.lease() + " no longer held by " + fence.owner() + "; slice rolled back");
    }
  }

  /** Succeeds when there is no fence (backfill) or the lease is held at {@code now}. */
  public static Future<Void> check(SqlConnection conn, Fence fence, Instant now) {
    if (fence == null) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(HELD)
        .execute(Tuple.of(fence.lease(), fence.owner(), now.atOffset(ZoneOffset.UTC)))
        .compose(
            rows ->
                rows.size() == 1
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(new LeaseLost(fence)));
  }
}
