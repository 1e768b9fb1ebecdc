package io.fleet.ingest.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One accepted push, after the token check and body parsing, before any item is judged: what
 * the spool keeps, so a replay judges the items exactly as a direct write would.
 *
 * @param path the route without its slash (pushgps, push ...)
 * @param msgType the body's msgType, or the path name when the body gives none
 * @param items the items as received (objects, or whatever else the sender put in the list)
 */
public record PushRequest(String path, String msgType, JsonArray items, Instant receivedAt) {

  public String stream() {
    return "webhook." + path;
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", 1).put("path", path).put("msgType", msgType)
        .put("receivedAt", receivedAt.toString()).put("items", items);
  }

  public static PushRequest fromJson(JsonObject json) {
    return new PushRequest(json.getString("path"), json.getString("msgType"), json.getJsonArray("items"),
        Instant.parse(json.getString("receivedAt")));
  }
}
