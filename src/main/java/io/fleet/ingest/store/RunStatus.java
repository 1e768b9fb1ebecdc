package io.fleet.ingest.store;

/**
 * How a run ended; {@code ok} and {@code error} are stored in ingestion_log.status, which the SQL
 * health functions read. A skipped run (nothing to ask yet) writes no row.
 */
public enum RunStatus {
  OK("ok"),
  ERROR("error"),
  SKIPPED("skipped");

  private final String column;

  RunStatus(String column) {
    this.column = column;
  }

  /** The value stored in the database. */
  public String column() {
    return column;
  }
}
