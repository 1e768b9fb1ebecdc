package io.fleet.ingest.ops;

import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Configured Tracksolid accounts for health tests, with only the ops module running (no poller
 * calls anything).
 */
final class HealthAccounts {
  static final Function<io.fleet.ingest.app.ServiceContext, List<ServiceModule>> OPS_ONLY =
      ctx -> {
        IngestMetrics metrics = new IngestMetrics(ctx.registry());
        return List.of(
            new OpsModule(ctx, metrics), new io.fleet.ingest.jobs.JobsModule(ctx, metrics));
      };

  private HealthAccounts() {}

  /**
   * Points TRACKSOLID_ACCOUNTS_FILE at a file configuring {@code names} (unreachable vendor:
   * nothing polls).
   */
  static void configure(Map<String, String> env, String... names) {
    JsonArray accounts = new JsonArray();
    for (String name : names) {
      accounts.add(
          new JsonObject()
              .put("name", name)
              .put("baseUrl", "http://127.0.0.1:9")
              .put("appKey", "k-" + name)
              .put("appSecret", "s-" + name)
              .put("userId", name)
              .put("password", "pw"));
    }
    try {
      Path file = Files.createTempFile("accounts", ".json");
      Files.writeString(file, accounts.encode());
      env.put("TRACKSOLID_ACCOUNTS_FILE", file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void device(DatabaseTarget db, String imei, String account, boolean active) {
    Sql.exec(
        db,
        "INSERT INTO tracksolid.devices (imei, account, active) VALUES ('"
            + imei
            + "', '"
            + account
            + "', "
            + active
            + ") ON CONFLICT (imei) DO UPDATE SET account = EXCLUDED.account, active = EXCLUDED.active");
  }
}
