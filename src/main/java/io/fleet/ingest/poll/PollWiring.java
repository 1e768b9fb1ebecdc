package io.fleet.ingest.poll;

import io.fleet.ingest.app.ServiceContext;
import java.util.Optional;

/** Builds a runner from the shared service context (also used by backfill and the benchmark). */
public final class PollWiring {
  private PollWiring() {
  }

  public static PollRunner runner(ServiceContext ctx) {
    IngestSinks sinks = new InterimSinks(ctx.clock());
    Optional<AddressLookup> geocoder = ctx.lookup(AddressLookup.class);
    return new PollRunner(ctx.pool(), ctx.clock(), ctx.config().poll(), sinks, geocoder,
        new PollMetrics(ctx.registry(), ctx.clock()), ctx.instanceId());
  }
}
