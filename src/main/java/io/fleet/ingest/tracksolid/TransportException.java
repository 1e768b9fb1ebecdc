package io.fleet.ingest.tracksolid;

import java.time.Duration;
import java.util.Optional;

/** No usable vendor answer: an HTTP error status, a timeout or a connection failure. */
public final class TransportException extends TracksolidException {
  public enum Kind {
    HTTP_STATUS,
    TIMEOUT,
    CONNECTION
  }

  private final Kind kind;
  private final int status;
  private final Duration retryAfter;

  public TransportException(
      String method, Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
    super(method, message, cause);
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status for {@link Kind#HTTP_STATUS}, else 0. */
  public int status() {
    return status;
  }

  @Override
  public boolean retryable() {
    return kind != Kind.HTTP_STATUS || status == 429 || status >= 500;
  }

  @Override
  public String metricCode() {
    return switch (kind) {
      case HTTP_STATUS -> "http_" + status;
      case TIMEOUT -> "timeout";
      case CONNECTION -> "connection";
    };
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
