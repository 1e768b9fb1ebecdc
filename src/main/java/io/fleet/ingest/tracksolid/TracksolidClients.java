package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.lease.VendorSlots;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The typed API of every configured account, built by {@link TracksolidModule} and passed to the
 * pollers. Empty when Tracksolid is not configured.
 */
public final class TracksolidClients {
  private final Map<String, TracksolidApi> byAccount = new LinkedHashMap<>();

  /** {@code shared} keeps each account's cap across replicas (see {@link VendorSlots}). */
  public TracksolidClients(
      Vertx vertx,
      TracksolidConfig config,
      Clock clock,
      MeterRegistry registry,
      Optional<VendorSlots> shared) {
    for (TracksolidAccount account : config.accounts()) {
      byAccount.put(
          account.name(),
          new TracksolidApi(new TracksolidClient(vertx, account, config, clock, registry, shared)));
    }
  }

  public boolean enabled() {
    return !byAccount.isEmpty();
  }

  public List<TracksolidApi> all() {
    return List.copyOf(byAccount.values());
  }

  public Optional<TracksolidApi> account(String name) {
    return Optional.ofNullable(byAccount.get(name));
  }

  /** Circuit state per account, for health checks. */
  public Map<String, CircuitBreaker.State> circuits() {
    Map<String, CircuitBreaker.State> out = new LinkedHashMap<>();
    byAccount.forEach((name, api) -> out.put(name, api.client().circuitState()));
    return out;
  }

  public void close() {
    byAccount.values().forEach(api -> api.client().close());
  }
}
