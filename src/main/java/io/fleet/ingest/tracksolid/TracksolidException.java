package io.fleet.ingest.tracksolid;

import java.util.Optional;

/**
 * Why a Tracksolid call failed. {@link #metricCode()} is the {@code code} tag of {@code
 * tracksolid.vendor.calls}; {@link #retryable()} says whether the client retried it.
 */
public abstract sealed class TracksolidException extends RuntimeException
    permits VendorException, TransportException, MalformedResponseException, UnavailableException {

  private final String method;

  protected TracksolidException(String method, String message, Throwable cause) {
    super(method + ": " + message, cause);
    this.method = method;
  }

  public String method() {
    return method;
  }

  public abstract boolean retryable();

  public abstract String metricCode();

  /** A Retry-After the server asked for, when it did. */
  public Optional<java.time.Duration> retryAfter() {
    return Optional.empty();
  }
}
