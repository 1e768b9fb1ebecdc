package io.fleet.ingest.ingest;

import io.vertx.pgclient.PgException;

/**
 * Tells "the database is away, or cannot take any write just now" (retry later: a poll slice is run
 * again, a push stays in the spool) from "PostgreSQL refused this content" (a SQLSTATE that the
 * rows themselves can cause, such as an over-long index entry or a violated constraint). The one
 * place both the poll and the push paths make that decision.
 */
public final class DbFailures {
  private DbFailures() {}

  /**
   * True when the database did not judge the statement at all: no PostgreSQL answer (connection
   * refused or lost, pool closed, timeout), or SQLSTATE class 08 connection, 53 insufficient
   * resources, 57 operator intervention (shutdown, cancel) or 58 system error.
   */
  public static boolean unreachable(Throwable failure) {
    String state = sqlState(failure);
    if (state == null) {
      return true;
    }
    return state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("58");
  }

  /**
   * {@link #unreachable}, or a refusal that no content can cause and that passes when an operator
   * or the database recovers: class 25 (read-only, e.g. a standby), 28 and 3D (login, database), 40
   * (deadlock, serialization), 42 (missing grant, table or column: the SQL is the service's own),
   * 55 (lock not available), 0A and F0 (server features and configuration). Anything else that
   * repeats while the database answers is the content's own.
   */
  public static boolean unavailable(Throwable failure) {
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

  /** The SQLSTATE, or null when the failure is not a PostgreSQL error. */
  public static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return pg.getSqlState() == null ? "" : pg.getSqlState();
      }
    }
    return null;
  }

  /** The SQLSTATE, or the exception's class name when the failure is not a PostgreSQL error. */
  public static String code(Throwable failure) {
    String state = sqlState(failure);
    if (state != null && !state.isEmpty()) {
      return state;
    }
    return failure == null ? "unknown" : failure.getClass().getSimpleName();
  }

  /**
   * PostgreSQL's own sentence, for the quarantine and dead-letter tables only (never for the log:
   * it may quote a value from the content).
   */
  public static String message(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return pg.getErrorMessage();
      }
    }
    return failure == null ? null : failure.getMessage();
  }
}
