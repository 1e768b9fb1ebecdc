package io.fleet.ingest.webhook;

import io.vertx.pgclient.PgException;

/**
 * Tells "this request is wrong" (retrying would fail forever) from everything else. Only data
 * errors are permanent: SQLSTATE class 22 (data exception) and 23 (integrity constraint), and a
 * request that cannot be judged at all. Anything else (the database away, a timeout, a lock, a
 * missing grant or table, a full disk) is an operator's problem that will be fixed, so an
 * acknowledged push waits for it rather than leave the database path.
 */
final class DbFailures {
  private DbFailures() {
  }

  static boolean permanent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        return state.startsWith("22") || state.startsWith("23");
      }
      if (t instanceof UnusableRequest) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE, or the exception's class name when the failure is not a PostgreSQL error. */
  static String code(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        return pg.getSqlState();
      }
    }
    return failure == null ? "unknown" : failure.getClass().getSimpleName();
  }

  /** A request whose items could not be judged: the same every time it is tried. */
  static final class UnusableRequest extends RuntimeException {
    UnusableRequest(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
