package io.fleet.ingest.tracksolid;

import io.fleet.ingest.config.TracksolidAccount;
import io.fleet.ingest.config.TracksolidConfig;
import io.fleet.ingest.json.Lenient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's token in use: each attempt of a call takes the token from the {@link TokenCache}
 * (which logs in when it has none), a token the vendor rejects (1004) is dropped and the attempt
 * made again after one fresh login per call, and a failed attempt goes again when {@link Retry}
 * says so. The login itself is such a call, without a token; its own retries are all it gets.
 */
final class AccessTokens {
  private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
  static final String LOGIN = "jimi.oauth.token.get";

  /** One attempt of a call, through every step below the token (permits, breaker, transport). */
  @FunctionalInterface
  interface Send {
    Future<JsonObject> send(String method, Map<String, String> params, String token);
  }

  private final TracksolidAccount account;
  private final int expiresIn;
  private final Clock clock;
  private final Retry retry;
  private final Send send;
  private final TokenCache tokens;

  AccessTokens(
      TracksolidAccount account, TracksolidConfig config, Clock clock, Retry retry, Send send) {
    this.account = account;
    this.expiresIn = config.tokenExpiresIn();
    this.clock = clock;
    this.retry = retry;
    this.send = send;
    this.tokens = new TokenCache(this::login, clock, config.tokenMargin());
  }

  /** Logins made so far (a fresh token, including re-logins after 1004). */
  long logins() {
    return tokens.logins();
  }

  /** {@code method} with the account's token, retried as {@link Retry} allows. */
  Future<JsonObject> call(String method, Map<String, String> params) {
    return attempt(method, params, true, 1, false);
  }

  private Future<JsonObject> attempt(
      String method,
      Map<String, String> params,
      boolean needsToken,
      int attemptNo,
      boolean relogged) {
    Future<String> token = needsToken ? tokens.get() : Future.succeededFuture("");
    // A failed login already went through its own retries; it is not retried again here.
    return token.compose(
        tok ->
            send.send(method, params, tok)
                .recover(
                    err -> {
                      if (err instanceof VendorException v
                          && v.tokenInvalid()
                          && needsToken
                          && !relogged) {
                        log.info(
                            "tracksolid {} {}: token rejected (1004), logging in again once",
                            account.name(),
                            method);
                        tokens.invalidate(tok);
                        return attempt(method, params, true, attemptNo, true);
                      }
                      return retry
                          .pause(method, err, attemptNo)
                          .compose(
                              v -> attempt(method, params, needsToken, attemptNo + 1, relogged));
                    }));
  }

  private Future<TokenCache.Token> login() {
    Instant asked = clock.instant();
    Map<String, String> params =
        Map.of(
            "user_id",
            account.userId(),
            "user_pwd_md5",
            account.passwordMd5(),
            "expires_in",
            Integer.toString(expiresIn));
    return attempt(LOGIN, params, false, 1, false)
        .compose(
            env -> {
              JsonObject result = env.getValue("result") instanceof JsonObject r ? r : null;
              Optional<String> token = Lenient.text(result, "accessToken");
              if (token.isEmpty()) {
                return Future.failedFuture(
                    new MalformedResponseException(
                        LOGIN,
                        "no accessToken in result",
                        SignedTransport.excerpt(env.encode()),
                        null));
              }
              long seconds = Lenient.whole(result, "expiresIn").orElse((long) expiresIn);
              log.info("tracksolid {}: logged in, token valid for {} s", account.name(), seconds);
              return Future.succeededFuture(
                  new TokenCache.Token(token.get(), asked.plusSeconds(seconds)));
            });
  }
}
