package io.fleet.ingest.poll;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a windowed endpoint's main checkpoint vouches for besides its position: the devices it
 * covers ({@code imeis}; empty when an older mark did not say, which counts every active device as
 * covered) and where the account's polled history begins ({@code since}), from which a device that
 * turns up later is caught up. Stored as the checkpoint's JSON state.
 */
record Coverage(Optional<List<String>> imeis, Optional<Instant> since) implements CheckpointState {

  static Coverage of(List<String> imeis, Instant since) {
    return new Coverage(Optional.of(List.copyOf(imeis)), Optional.of(since));
  }

  static Coverage read(JsonObject state) {
    JsonArray arr = state == null ? null : state.getJsonArray("imeis");
    Optional<List<String>> imeis = Optional.empty();
    if (arr != null) {
      List<String> out = new ArrayList<>(arr.size());
      arr.forEach(o -> out.add(String.valueOf(o)));
      imeis = Optional.of(List.copyOf(out));
    }
    String since = state == null ? null : state.getString("since");
    return new Coverage(imeis, Optional.ofNullable(since).map(Instant::parse));
  }

  @Override
  public JsonObject json() {
    JsonObject o = new JsonObject();
    imeis.ifPresent(i -> o.put("imeis", new JsonArray(List.copyOf(i))));
    since.ifPresent(s -> o.put("since", s.toString()));
    return o;
  }
}
