package io.fleet.ingest.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of an item's canonical JSON (keys sorted at every level), so the same item delivered
 * twice, or replayed from the spool, hashes the same whatever order its keys arrived in.
 */
public final class ItemHash {
  private ItemHash() {}

  public static String of(Object item) {
    return sha256(canonical(item));
  }

  /** Prefixing a kind keeps equal bodies of different message types apart. */
  public static String of(String kind, Object item) {
    return sha256(kind + "\n" + canonical(item));
  }

  public static String canonical(Object value) {
    return io.vertx.core.json.Json.encode(sortKeys(value));
  }

  private static Object sortKeys(Object value) {
    if (value instanceof JsonObject o) {
      return sortKeys(o.getMap());
    }
    if (value instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(String.valueOf(k), sortKeys(v)));
      return sorted;
    }
    if (value instanceof JsonArray a) {
      java.util.List<?> items = a.getList();
      return items.stream().map(ItemHash::sortKeys).toList();
    }
    if (value instanceof java.util.List<?> l) {
      return l.stream().map(ItemHash::sortKeys).toList();
    }
    return value;
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
