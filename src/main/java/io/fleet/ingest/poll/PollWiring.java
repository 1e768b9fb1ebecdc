package io.fleet.ingest.poll;

import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.geocode.Geocoder;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ops.IngestMetrics;
import java.util.Optional;

/** Builds a runner from the shared service context (also used by backfill and the benchmark). */
public final class PollWiring {
  private PollWiring() {}

  /** Without a geocoder, polled rows keep no address (tests that poll alone). */
  public static PollRunner runner(
      ServiceContext ctx, Optional<Geocoder> geocoder, IngestMetrics metrics) {
    return new PollRunner(
        ctx.pool(),
        ctx.clock(),
        ctx.config().poll(),
        new TimestampGuard(ctx.config().ingest(), ctx.clock()),
        geocoder.map(PollWiring::lookup),
        new PollMetrics(metrics, ctx.clock()),
        ctx.instanceId());
  }

  /** Polled rows are fresh work for the lane; it never fails, it answers "unavailable" instead. */
  private static AddressLookup lookup(Geocoder geocoder) {
    return (lat, lng) -> geocoder.reverse(lat, lng, Geocoder.Priority.FRESH);
  }
}
