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
  public record Token(String value, Instant expiresAt) {}

  private final Supplier<Future<Token>> login;
  private final Clock clock;
  private final Duration margin;
  private Token current;
  private java.time.Instant currentRefreshAt = java.time.Instant.MIN;
  private Future<Token> pending;
  private long logins;

  public TokenCache(Supplier<Future<Token>> login, Clock clock, Duration margin) {
    this.login = login;
    this.clock = clock;
    this.margin = margin;
  }

  // Only this very attempt may clear pending, not an equal-looking later one.
  @SuppressWarnings("ReferenceEquality")
  public Future<String> get() {
    if (current != null && clock.instant().isBefore(currentRefreshAt)) {
      return Future.succeededFuture(current.value());
    }
    Future<Token> inFlight = pending;
    if (inFlight == null) {
      logins++;
      Future<Token> attempt = login.get();
      // Assigned before the listener is added: a login refused on the spot (open breaker, full
      // queue) completes the listener at once, and must not leave its failure cached for ever.
      pending = attempt;
      inFlight = attempt;
      attempt.onComplete(
          ar -> {
            if (pending == attempt) {
              pending = null;
            }
            if (ar.succeeded()) {
              current = ar.result();
              currentRefreshAt = refreshAt(current);
            }
          });
    }
    return inFlight.map(Token::value);
  }

  /**
   * When to log in again, fixed when the token arrives: {@code margin} before expiry, but never
   * more than half the token's life early, so a short-lived token does not mean a login per call.
   */
  private java.time.Instant refreshAt(Token token) {
    Duration life = Duration.between(clock.instant(), token.expiresAt());
    if (life.isNegative()) {
      return token.expiresAt();
    }
    Duration half = life.dividedBy(2);
    return token.expiresAt().minus(margin.compareTo(half) > 0 ? half : margin);
  }

  /**
   * Drops {@code token} if it is still the cached one (a newer login may already have replaced it).
   */
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
