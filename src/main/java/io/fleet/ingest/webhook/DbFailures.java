package io.fleet.ingest.webhook;

/**
 * Tells "the database is away" (keep the request in the spool until it is back) from "PostgreSQL
 * refused this request" (a SQLSTATE of its own). Whether a refusal is the request's fault is
 * decided by what happens next, not by its class: see {@link PushDelivery}.
 */
final class DbFailures {
  private DbFailures() {}

  /**
   * True when the database did not judge the request at all ({@link
   * io.fleet.ingest.ingest.DbFailures#unreachable}); a request that cannot even be judged is not
   * among them.
   */
  static boolean unreachable(Throwable failure) {
    return io.fleet.ingest.ingest.DbFailures.sqlState(failure) == null
        ? !unusable(failure)
        : io.fleet.ingest.ingest.DbFailures.unreachable(failure);
  }

  /** {@link #unreachable}, or a refusal no request content can cause. */
  static boolean unavailable(Throwable failure) {
    return unreachable(failure)
        || (io.fleet.ingest.ingest.DbFailures.sqlState(failure) != null
            && io.fleet.ingest.ingest.DbFailures.unavailable(failure));
  }

  /** A request whose items could not be judged at all: the same every time it is tried. */
  static boolean unusable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnusableRequest) {
        return true;
      }
    }
    return false;
  }

  static String code(Throwable failure) {
    return io.fleet.ingest.ingest.DbFailures.code(failure);
  }

  static String message(Throwable failure) {
    return io.fleet.ingest.ingest.DbFailures.message(failure);
  }

  /** A request whose items could not be judged: the same every time it is tried. */
  static final class UnusableRequest extends RuntimeException {
    UnusableRequest(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
