package io.fleet.ingest.http;

/**
 * A failure that already knows its HTTP answer. Handlers fail a request with one of these and
 * {@link ErrorMapper} turns it into the JSON body; anything else becomes a bare 500.
 */
public class HttpFailure extends RuntimeException {
  private final int status;
  private final String error;

  public HttpFailure(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  public static HttpFailure badRequest(String message) {
    return new HttpFailure(400, "bad_request", message);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public ApiError toApiError() {
    return new ApiError(status, error, getMessage());
  }
}
