package io.fleet.ingest.webhook;

/**
 * How deeply JSON text nests its arrays and objects, found in one pass without recursion, so a body
 * nested thousands of levels deep is refused before any recursive code (decoding, hashing, copying)
 * can overflow the stack. Brackets inside strings do not count.
 */
final class JsonDepth {
  private JsonDepth() {}

  /** True when the text nests deeper than {@code limit}. */
  static boolean exceeds(CharSequence text, int limit) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > limit) {
          return true;
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return false;
  }

  /** The same, over UTF-8 bytes (the structural characters are all ASCII). */
  static boolean exceeds(byte[] bytes, int limit) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < bytes.length; i++) {
      byte c = bytes[i];
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > limit) {
          return true;
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return false;
  }
}
