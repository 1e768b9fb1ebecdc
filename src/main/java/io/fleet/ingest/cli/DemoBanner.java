package io.fleet.ingest.cli;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.ops.MetricsServer;
import io.fleet.ingest.ops.OpsModule;
import io.fleet.ingest.webhook.DemoToken;
import java.util.OptionalInt;

/**
 * What a person who just typed {@code --demo} needs: where to look, where the webhook token is and
 * how to reach the database. Printed on stderr, so stdout stays log lines only. Never holds a
 * secret: the token is named by its file, the database line has no password.
 */
final class DemoBanner {
  private DemoBanner() {}

  static String text(AppConfig config, RunningService service, OpsModule ops, boolean pushing) {
    String host = config.http().host();
    String publicHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    String base = "http://" + publicHost + ":" + service.httpPort();
    OptionalInt management =
        ops.metricsServer().map(MetricsServer::port).orElse(OptionalInt.empty());
    String mgmt =
        management.isPresent()
            ? "http://" + config.ops().metricsHost() + ":" + management.getAsInt()
            : null;
    StringBuilder b = new StringBuilder("\n");
    b.append("  tracksolid-ingest demo is running (stop with Ctrl-C)\n");
    if (mgmt != null) {
      b.append("  status page    ").append(mgmt).append("/   (management listener, loopback)\n");
      b.append("  metrics        ").append(mgmt).append("/metrics\n");
    }
    b.append("  health         ").append(base).append("/health\n");
    b.append("  ingest health  ").append(base).append("/health/ingest\n");
    String token =
        config.webhook().token().isPresent()
            ? "JIMI_WEBHOOK_TOKEN (as configured)"
            : config.webhook().requireToken()
                ? DemoToken.file(config.webhook().spoolDir()).toString()
                : "none: the webhook runs open (WEBHOOK_REQUIRE_TOKEN=false)";
    b.append("  webhook        ")
        .append(base)
        .append("/push*")
        .append(pushing ? ", the simulator pushes every 20 s" : "")
        .append("; token in ")
        .append(token)
        .append('\n');
    DatabaseTarget db = service.database();
    if (config.database().embedded()) {
      b.append("  database       psql \"postgresql://")
          .append(db.user())
          .append('@')
          .append(db.host())
          .append(':')
          .append(db.port())
          .append('/')
          .append(db.database())
          .append("\"   (embedded, data in ")
          .append(config.database().embeddedDir())
          .append(")\n");
    } else {
      b.append("  database       psql \"$DATABASE_URL\"\n");
    }
    return b.append('\n').toString();
  }
}
