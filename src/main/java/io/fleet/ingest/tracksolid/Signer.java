package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Tracksolid OpenAPI signature (reference §1.4): names sorted by byte order, name+value
 * concatenated, wrapped in the secret, MD5, 32 upper-case hex. Empty values are skipped because the
 * vendor's own reference client never sends them, so signing one would never match.
 */
public final class Signer {
  private Signer() {}

  public static String sign(Map<String, String> params, String secret) {
    // String's natural order is UTF-16 code unit order, which equals byte order for ASCII names.
    TreeMap<String, String> sorted = new TreeMap<>(params);
    StringBuilder text = new StringBuilder(secret);
    sorted.forEach(
        (name, value) -> {
          if (!"sign".equals(name) && value != null && !value.isEmpty()) {
            text.append(name).append(value);
          }
        });
    text.append(secret);
    return md5Hex(text.toString()).toUpperCase(java.util.Locale.ROOT);
  }

  /** Lower-case hex MD5 of the UTF-8 bytes, as {@code user_pwd_md5} wants it. */
  public static String md5Hex(String text) {
    return TracksolidAccount.md5Hex(text);
  }
}
