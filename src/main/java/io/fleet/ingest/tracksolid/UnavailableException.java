package io.fleet.ingest.tracksolid;

/** The client refused the call itself: the account's circuit is open or its wait queue is full. */
public final class UnavailableException extends TracksolidException {
  public enum Reason { CIRCUIT_OPEN, QUEUE_FULL }

  private final Reason reason;

  public UnavailableException(String method, Reason reason, String message) {
    super(method, message, null);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public boolean retryable() {
    return false;
  }

  @Override
  public String metricCode() {
    return reason == Reason.CIRCUIT_OPEN ? "circuit_open" : "queue_full";
  }
}
