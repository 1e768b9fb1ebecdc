package io.fleet.ingest.tracksolid;

/**
 * The client refused the call itself: the account's circuit is open, its wait queue is full, or no
 * slot of the account's cap shared across replicas could be had (all taken for too long, or the
 * database that holds them did not answer).
 */
public final class UnavailableException extends TracksolidException {
  public enum Reason {
    CIRCUIT_OPEN,
    QUEUE_FULL,
    NO_SHARED_SLOT
  }

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
    return switch (reason) {
      case CIRCUIT_OPEN -> "circuit_open";
      case QUEUE_FULL -> "queue_full";
      case NO_SHARED_SLOT -> "no_shared_slot";
    };
  }
}
