package io.fleet.ingest.store;

import java.util.Objects;

/**
 * An item a guard refused. {@code item} is the vendor item as received (a JsonObject, or any JSON
 * value); its hash makes a re-delivered or replayed item land once per (stream, reason).
 */
public record QuarantineItem(
    String stream, String reason, String detail, String imei, Object item) {

  public QuarantineItem {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(reason, "reason");
  }

  public String itemHash() {
    return ItemHash.of(item);
  }
}
