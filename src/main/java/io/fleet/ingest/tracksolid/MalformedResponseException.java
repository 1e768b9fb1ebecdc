package io.fleet.ingest.tracksolid;

/** The vendor answered 2xx with a body that is not the JSON envelope. Retried: usually a glitch. */
public final class MalformedResponseException extends TracksolidException {
  private final String bodyExcerpt;

  public MalformedResponseException(
      String method, String why, String bodyExcerpt, Throwable cause) {
    super(method, "malformed response: " + why, cause);
    this.bodyExcerpt = bodyExcerpt;
  }

  /** The first characters of the body, for logs. */
  public String bodyExcerpt() {
    return bodyExcerpt;
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public String metricCode() {
    return "malformed";
  }
}
