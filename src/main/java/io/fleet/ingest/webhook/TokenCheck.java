package io.fleet.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Compares presented tokens with the configured ones (the current token and, while it is being
 * rotated out, the previous one) in constant time: every side is hashed to an equal-length SHA-256
 * digest first, so neither the content nor the length of a secret leaks through timing. A request
 * is accepted only when it presents at least one token and all it presents agree: a header token
 * cannot vouch for a different body token. With no token configured (explicitly open) everything
 * passes.
 */
final class TokenCheck {
  private final List<byte[]> expected;

  TokenCheck(Optional<String> token, Optional<String> previous) {
    this.expected =
        token.isEmpty()
            ? List.of()
            : previous
                .map(p -> List.of(digest(token.get()), digest(p)))
                .orElseGet(() -> List.of(digest(token.get())));
  }

  boolean open() {
    return expected.isEmpty();
  }

  boolean accepts(Collection<String> presented) {
    if (expected.isEmpty()) {
      return true;
    }
    if (presented.isEmpty()) {
      return false;
    }
    String first = presented.iterator().next();
    boolean agree = true;
    for (String candidate : presented) {
      agree &= candidate.equals(first);
    }
    byte[] digest = digest(first);
    boolean ok = false;
    for (byte[] e : expected) {
      // No early exit: each configured token costs the same.
      ok |= MessageDigest.isEqual(e, digest);
    }
    return ok && agree;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
