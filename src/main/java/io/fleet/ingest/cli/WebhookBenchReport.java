package io.fleet.ingest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The "## Webhook" section of the benchmark report: how to reproduce the run, the table of
 * scenarios and the COPY ceiling. It replaces the section of an earlier run and leaves the rest of
 * the file as it was.
 */
record WebhookBenchReport(
    Path report, int itemsPerScenario, int minRequests, int maxRequests, int concurrency) {

  void write(List<BenchWebhookCommand.Scenario> results, int copyRows, double copyRate)
      throws IOException {
    StringBuilder s = new StringBuilder();
    s.append("## Webhook\n\n");
    s.append(
        "Reproduce: `./mvnw -q -DskipTests package && LOG_LEVEL=WARN java -jar target/tracksolid-ingest.jar "
            + "bench-webhook --items "
            + itemsPerScenario
            + " --min-requests "
            + minRequests
            + " --max-requests "
            + maxRequests
            + " --concurrency "
            + concurrency
            + "`\n");
    s.append(
        String.format(
            Locale.ROOT,
            "(%d senders, about %d items per scenario, bounded to %d-%d requests; "
                + "embedded PostgreSQL 17, fresh data directory).%n%n",
            concurrency,
            itemsPerScenario,
            minRequests,
            maxRequests));
    s.append("Measured ")
        .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPU(s), Java ")
        .append(System.getProperty("java.version"))
        .append(". Pushes arriving together share a group commit (one ")
        .append(
            "transaction per stream, one ingestion_log row per commit); each is answered 200 only after the ")
        .append("commit that holds its items. The load generator shares the ")
        .append(
            "JVM and CPUs with the service and the database, so read these as lower bounds; the 100-per-push ")
        .append("runs last about a second each and are the noisiest.\n\n");
    s.append("| body | items/push | requests | items/s | p50 ms | p99 ms | failures |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (BenchWebhookCommand.Scenario r : results) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.0f | %.2f | %.2f | %d |%n",
              r.format(),
              r.perPush(),
              r.requests(),
              r.itemsPerSecond(),
              r.latency().getValueAtPercentile(50) / 1000.0,
              r.latency().getValueAtPercentile(99) / 1000.0,
              r.failures()));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "%nCeiling: COPY of the same %d rows (the JSON 100-per-push run) into "
                + "tracksolid.position_history: **%.0f rows/s**.%n",
            copyRows,
            copyRate));
    String section = s.toString();
    String existing = Files.exists(report) ? Files.readString(report) : "# Benchmarks\n\n";
    int at = existing.indexOf("## Webhook\n");
    String updated;
    if (at < 0) {
      updated = existing.stripTrailing() + "\n\n" + section;
    } else {
      int end = existing.indexOf("\n## ", at + 1);
      updated = existing.substring(0, at) + section + (end < 0 ? "" : existing.substring(end));
    }
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, updated);
  }
}
