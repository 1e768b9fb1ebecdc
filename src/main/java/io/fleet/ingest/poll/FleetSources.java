package io.fleet.ingest.poll;

import java.util.List;

/** The configured accounts, as provided by the module that owns vendor access. */
public record FleetSources(List<FleetSource> sources) {
}
