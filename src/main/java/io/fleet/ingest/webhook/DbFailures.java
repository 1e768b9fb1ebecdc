package io.fleet.ingest.webhook;

import io.vertx.pgclient.PgException;

/**
 * Tells "the database is away" (keep the request in the spool until it is back) from "PostgreSQL
 * refused this request" (a SQLSTATE of its own). Whether a refusal is the request's fault is
 * decided by what happens next, not by its class: see {@link PushDelivery}.
 */
final class DbFailures {
  private DbFailures() {}

  /**
   * True when the database did not judge the request at all: no PostgreSQL answer (connection
   * refused or lost, pool closed, timeout), or SQLSTATE class 08 connection, 53 insufficient
   * resources, 57 operator intervention (shutdown, cancel) or 58 system error.
   */
  static boolean unreachable(Throwable failure) {
    String state = sqlState(failure);
    if (state == null) {
      return !unusable(failure);
    }
    return state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("58");
  }

  /**
   * {@link #unreachable}, or a refusal that no request content can cause and that will pass when an
   * operator or the database recovers: class 25 (read-only, e.g. a standby), 28 and 3D (login,
   * database), 40 (deadlock, serialization), 42 (missing grant, table or column: the SQL is the
   * service's own), 55 (lock not available), 0A and F0 (server features and configuration).
   * Anything else that repeats for one request while the database answers is that request's own.
   */
  static boolean unavailable(Throwable failure) {
    if (unreachable(failure)) {
      return true;
    }
    String state = sqlState(failure);
    if (state == null || state.length() < 2) {
      return false;
    }
    return switch (state.substring(0, 2)) {
      case "25", "28", "3D", "40", "42", "55", "0A", "F0" -> true;
      default -> false;
    };
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

  private static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return pg.getSqlState() == null ? "" : pg.getSqlState();
      }
    }
    return null;
  }

  /** The SQLSTATE, or the exception's class name when the failure is not a PostgreSQL error. */
  static String code(Throwable failure) {
    String state = sqlState(failure);
    if (state != null && !state.isEmpty()) {
      return state;
    }
    return failure == null ? "unknown" : failure.getClass().getSimpleName();
  }

  /**
   * PostgreSQL's own sentence for the dead-letter table (never for the log: it may quote a value
   * from the body).
   */
  static String message(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return pg.getErrorMessage();
      }
    }
    return failure == null ? null : failure.getMessage();
  }

  /** A request whose items could not be judged: the same every time it is tried. */
  static final class UnusableRequest extends RuntimeException {
    UnusableRequest(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
