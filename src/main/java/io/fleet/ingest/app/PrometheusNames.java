package io.fleet.ingest.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.lang.management.ManagementFactory;
import java.util.Set;

/**
 * Keeps /metrics clean for `promtool check metrics`: the JVM meters counted in milliseconds and
 * nanoseconds are dropped (Prometheus wants seconds), CPU time comes back as the conventional
 * process_cpu_seconds_total, and the CPU gauge loses its reserved _count suffix.
 */
public final class PrometheusNames implements MeterFilter {
  private static final Set<String> DROPPED = Set.of("jvm.compilation.time", "process.cpu.time");

  /** Installs the filter before any meter exists, and adds process_cpu_seconds_total. */
  public static void install(MeterRegistry registry) {
    registry.config().meterFilter(new PrometheusNames());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu.seconds", os, b -> b.getProcessCpuTime() / 1e9)
          .description("CPU time used by the JVM process in seconds")
          .register(registry);
    }
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    return DROPPED.contains(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpu.cores") : id;
  }
}
