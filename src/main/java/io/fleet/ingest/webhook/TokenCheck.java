package io.fleet.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Optional;

/**
 * Compares presented tokens with the configured one in constant time: both sides are hashed to
 * equal-length SHA-256 digests first, so neither the content nor the length of the secret leaks
 * through timing. With no token configured (explicitly open) everything passes.
 */
final class TokenCheck {
  private final byte[] expected;

  TokenCheck(Optional<String> token) {
    this.expected = token.map(TokenCheck::digest).orElse(null);
  }

  boolean open() {
    return expected == null;
  }

  boolean accepts(Collection<String> presented) {
    if (expected == null) {
      return true;
    }
    boolean ok = false;
    for (String candidate : presented) {
      // No early exit: every candidate costs the same.
      ok |= MessageDigest.isEqual(expected, digest(candidate));
    }
    return ok;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
