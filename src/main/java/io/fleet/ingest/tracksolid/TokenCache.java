package io.fleet.ingest.tracksolid;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One account's access token: reused until {@code expiresAt - margin}, and single-flight: while a
 * login is under way every caller gets the same pending future, so a burst makes one login.
 * Confined to the client's context.
 */
public final class TokenCache {
  /** A token and the instant it stops being valid according to the vendor. */
  public record Token(String value, Instant expiresAt) {
  }

  private final Supplier<Future<Token>> login;
  private final Clock clock;
  private final Duration margin;
  private Token current;
  private Future<Token> pending;
  private long logins;

  public TokenCache(Supplier<Future<Token>> login, Clock clock, Duration margin) {
    this.login = login;
    this.clock = clock;
    this.margin = margin;
  }

  public Future<String> get() {
    if (current != null && clock.instant().isBefore(current.expiresAt().minus(margin))) {
      return Future.succeededFuture(current.value());
    }
    if (pending == null) {
      logins++;
      pending = login.get().andThen(ar -> {
        pending = null;
        if (ar.succeeded()) {
          current = ar.result();
        }
      });
    }
    return pending.map(Token::value);
  }

  /** Drops {@code token} if it is still the cached one (a newer login may already have replaced it). */
  public void invalidate(String token) {
    if (current != null && current.value().equals(token)) {
      current = null;
    }
  }

  /** How many logins this cache started (for tests and logs). */
  public long logins() {
    return logins;
  }
}
