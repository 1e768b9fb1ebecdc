package io.fleet.ingest.store;

/** Which path delivered a row; stored in alarms.first_source and position_history.source. */
public enum Source {
  POLL("poll"),
  PUSH("push");

  private final String column;

  Source(String column) {
    this.column = column;
  }

  /** The value stored in the database. */
  public String column() {
    return column;
  }
}
