package io.fleet.ingest.webhook;

import io.fleet.ingest.store.ItemHash;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One accepted push, after the token check and body parsing, before any item is judged: what the
 * spool keeps, so a replay judges the items exactly as a direct write would. It never holds the
 * token.
 *
 * @param id identifies the request across spool, replay and dead-letter table, so it lands once
 * @param path the route without its slash (pushgps, push ...)
 * @param msgType the body's msgType, or the path name when the body gives none
 * @param items the items as received (objects, or whatever else the sender put in the list)
 */
public record PushRequest(
    String id, String path, String msgType, JsonArray items, Instant receivedAt) {

  public PushRequest(String path, String msgType, JsonArray items, Instant receivedAt) {
    this(UUID.randomUUID().toString(), path, msgType, items, receivedAt);
  }

  public String stream() {
    return "webhook." + path;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("v", 1)
        .put("id", id)
        .put("path", path)
        .put("msgType", msgType)
        .put("receivedAt", receivedAt.toString())
        .put("items", items);
  }

  public static PushRequest fromJson(JsonObject json) {
    String path = json.getString("path");
    if (path == null || !PushKind.PATHS.contains(path)) {
      throw new IllegalArgumentException("no known path");
    }
    JsonArray items = json.getJsonArray("items");
    if (items == null) {
      throw new IllegalArgumentException("no items");
    }
    // Records spooled before requests had ids get one derived from their content: stable across
    // replays.
    String id = json.getString("id");
    if (id == null) {
      id =
          UUID.nameUUIDFromBytes(
                  ItemHash.canonical(json).getBytes(java.nio.charset.StandardCharsets.UTF_8))
              .toString();
    }
    return new PushRequest(
        id, path, json.getString("msgType"), items, Instant.parse(json.getString("receivedAt")));
  }
}
