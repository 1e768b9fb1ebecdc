package io.fleet.ingest.webhook;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells "the database is away" (spool and retry later) from "this write is wrong" (retrying
 * would fail forever). Only the first may be spooled: a poison request would block the spool.
 */
final class DbFailures {
  private DbFailures() {
  }

  static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        // 08 connection, 53 resources, 57P admin shutdown / cannot connect now, 58 system, 40 retryable.
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
            || state.startsWith("58") || state.equals("40001") || state.equals("40P01");
      }
      if (t instanceof IOException || t instanceof VertxException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
