package io.fleet.ingest.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One push request PostgreSQL refused for its own content, for tracksolid.rejected_pushes: kept
 * whole (without the token) for an operator.
 *
 * @param requestId the request's id (a UUID), unique in the table
 * @param path the push path without its slash, or "unknown"
 * @param sqlState the refusal's SQLSTATE, or "unreadable" for a spool record that was no request
 * @param message PostgreSQL's message (NUL dropped and capped when stored)
 * @param items how many items the request carried
 * @param body the request as JSON text
 */
public record RejectedPush(
    String requestId,
    String path,
    Instant receivedAt,
    String sqlState,
    String message,
    int items,
    String body) {

  public RejectedPush {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(body, "body");
  }
}
