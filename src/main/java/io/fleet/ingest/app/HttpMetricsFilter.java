package io.fleet.ingest.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps the HTTP server's series bounded whatever clients send: Vert.x takes any token as a method,
 * and each new method would become new series. Methods outside the standard set are recorded as
 * {@code OTHER}; a route label is kept only when it is a route template the router matched (it
 * starts with a slash and holds no query), else it becomes empty.
 */
public final class HttpMetricsFilter implements MeterFilter {
  static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private HttpMetricsFilter() {}

  public static void install(MeterRegistry registry) {
    registry.config().meterFilter(new HttpMetricsFilter());
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith("vertx.http")) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    boolean changed = false;
    for (Tag tag : id.getTagsAsIterable()) {
      String value = tag.getValue();
      if (tag.getKey().equals("method") && !STANDARD_METHODS.contains(value)) {
        tags.add(Tag.of("method", "OTHER"));
        changed = true;
      } else if (tag.getKey().equals("route") && !value.isEmpty() && !value.startsWith("/")) {
        tags.add(Tag.of("route", ""));
        changed = true;
      } else {
        tags.add(tag);
      }
    }
    return changed ? id.replaceTags(tags) : id;
  }
}
