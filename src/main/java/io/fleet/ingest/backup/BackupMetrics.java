package io.fleet.ingest.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The backup sidecar's meters, by the names the alert rules use: backup_duration_seconds,
 * backup_size_bytes, backup_last_success_timestamp_seconds, backup_last_verify_success and
 * backup_runs_total{outcome}. The last-success time starts from the catalog, so a restarted sidecar
 * does not claim that no backup exists.
 */
public final class BackupMetrics {
  private final PrometheusMeterRegistry registry;
  private final AtomicReference<Double> duration = new AtomicReference<>(0.0);
  private final AtomicReference<Double> size = new AtomicReference<>(0.0);
  private final AtomicReference<Double> lastSuccess = new AtomicReference<>(0.0);
  private final AtomicReference<Double> lastVerify = new AtomicReference<>(0.0);

  public BackupMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("backup.duration.seconds", duration, AtomicReference::get)
        .description("Duration of the last backup run in seconds")
        .register(registry);
    Gauge.builder("backup.size.bytes", size, AtomicReference::get)
        .description("Bytes stored by the last successful backup")
        .register(registry);
    Gauge.builder("backup.last.success.timestamp.seconds", lastSuccess, AtomicReference::get)
        .description("Unix time of the last verified backup; 0 when none exists")
        .register(registry);
    Gauge.builder("backup.last.verify.success", lastVerify, AtomicReference::get)
        .description("1 when the last run's backup was verified, 0 when the last run failed")
        .register(registry);
    for (String outcome : new String[] {"success", "failure", "refused"}) {
      runs(outcome);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  void known(double lastSuccessEpochSeconds, double bytes) {
    lastSuccess.set(lastSuccessEpochSeconds);
    size.set(bytes);
    lastVerify.set(1.0);
  }

  void succeeded(double seconds, double epochSeconds, double bytes) {
    duration.set(seconds);
    lastSuccess.set(epochSeconds);
    size.set(bytes);
    lastVerify.set(1.0);
    runs("success").increment();
  }

  void failed(double seconds, boolean refused) {
    duration.set(seconds);
    lastVerify.set(0.0);
    runs(refused ? "refused" : "failure").increment();
  }

  private Counter runs(String outcome) {
    return Counter.builder("backup.runs")
        .description("Backup runs by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}
