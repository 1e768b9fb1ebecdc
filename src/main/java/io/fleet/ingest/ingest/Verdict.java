package io.fleet.ingest.ingest;

import java.util.List;

/** What {@link RowRules} says of one row: let through (cleaned), or refused with a reason. */
public sealed interface Verdict<T> permits Verdict.Accepted, Verdict.Refused {

  /** The row as it may be stored, and the fields the rules emptied ({@code <table>.<column>}). */
  record Accepted<T>(T row, List<String> cleared) implements Verdict<T> {}

  /** {@code imei} is the row's device id when it is a valid one, for the quarantine column. */
  record Refused<T>(Reason reason, String detail, String imei) implements Verdict<T> {}
}
