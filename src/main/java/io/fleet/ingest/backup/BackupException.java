package io.fleet.ingest.backup;

/**
 * A backup or restore that cannot go on. {@code refused} marks a deliberate refusal (busy lock,
 * damaged file, version mismatch, non-empty target) as opposed to a failure along the way.
 */
public final class BackupException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean refused;

  public BackupException(String message) {
    this(message, false, null);
  }

  public BackupException(String message, Throwable cause) {
    this(message, false, cause);
  }

  private BackupException(String message, boolean refused, Throwable cause) {
    super(message, cause);
    this.refused = refused;
  }

  public static BackupException refused(String message) {
    return new BackupException(message, true, null);
  }

  public boolean isRefused() {
    return refused;
  }
}
