package io.fleet.ingest.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/** A pushed item without a typed table, kept whole in tracksolid.push_messages. */
public record RawPushMessage(String msgType, String imei, Instant eventTime, JsonObject item) {

  public RawPushMessage {
    Objects.requireNonNull(msgType, "msgType");
    Objects.requireNonNull(item, "item");
  }

  /** push_messages.item_hash is unique on its own, so the type is part of the hash. */
  public String itemHash() {
    return ItemHash.of(msgType, item);
  }
}
