package io.fleet.ingest.tracksolid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Tracksolid OpenAPI signature (reference §1.4): names sorted by byte order, name+value
 * concatenated, wrapped in the secret, MD5, 32 upper-case hex. Empty values are skipped because
 * the vendor's own reference client never sends them, so signing one would never match.
 */
public final class Signer {
  private Signer() {
  }

  public static String sign(Map<String, String> params, String secret) {
    // String's natural order is UTF-16 code unit order, which equals byte order for ASCII names.
    TreeMap<String, String> sorted = new TreeMap<>(params);
    StringBuilder text = new StringBuilder(secret);
    sorted.forEach((name, value) -> {
      if (!"sign".equals(name) && value != null && !value.isEmpty()) {
        text.append(name).append(value);
      }
    });
    text.append(secret);
    return md5Hex(text.toString()).toUpperCase(java.util.Locale.ROOT);
  }

  /** Lower-case hex MD5 of the UTF-8 bytes, as {@code user_pwd_md5} wants it. */
  public static String md5Hex(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is mandatory in every JDK", e);
    }
  }
}
