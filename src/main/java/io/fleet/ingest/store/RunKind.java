package io.fleet.ingest.store;

/**
 * What started a run; stored in ingestion_log.run_kind, which the SQL health functions and reports
 * read.
 */
public enum RunKind {
  SCHEDULED("scheduled"),
  BACKFILL("backfill"),
  PUSH("push"),
  JOB("job"),
  MANUAL("manual");

  private final String column;

  RunKind(String column) {
    this.column = column;
  }

  /** The value stored in the database. */
  public String column() {
    return column;
  }
}
