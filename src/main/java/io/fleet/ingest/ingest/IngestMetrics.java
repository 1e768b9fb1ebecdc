package io.fleet.ingest.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code tracksolid.rows.ingested{stream,outcome=inserted|updated|rejected}}; call after commit. */
public final class IngestMetrics {
  private final MeterRegistry registry;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void committed(String stream, WriteResult written, int rejected) {
    add(stream, "inserted", written.inserted());
    add(stream, "updated", written.updated());
    add(stream, "rejected", rejected);
  }

  private void add(String stream, String outcome, int n) {
    Counter c = Counter.builder("tracksolid.rows.ingested").description("Rows written or refused by ingest")
        .tag("stream", stream).tag("outcome", outcome).register(registry);
    if (n > 0) {
      c.increment(n);
    }
  }
}
