package io.fleet.ingest.backup;

import io.fleet.ingest.db.DatabaseTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs pg_dump, pg_dumpall, pg_restore and age as child processes, under umask 077 so nothing they
 * create is readable by others. Credentials go through the PG* environment, never the command line
 * (which other users can read in the process table). One run at a time; {@link #cancel()} kills the
 * running child, for a shutdown whose grace ran out.
 */
public final class Tools {
  private static final int STDERR_TAIL = 2000;
  private final Optional<Path> pgBin;
  private volatile Process current;
  private volatile boolean cancelled;

  public Tools(Optional<Path> pgBin) {
    this.pgBin = pgBin;
  }

  /** The path of a PostgreSQL client program: in BACKUP_PG_BIN, else found on PATH. */
  public String pg(String program) {
    return pgBin.map(dir -> dir.resolve(program).toString()).orElse(program);
  }

  /** The libpq environment that points a client program at {@code db}. */
  public static Map<String, String> libpqEnv(DatabaseTarget db) {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", db.host());
    env.put("PGPORT", String.valueOf(db.port()));
    env.put("PGUSER", db.user());
    env.put("PGDATABASE", db.database());
    env.put("PGSSLMODE", db.sslMode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    if (!db.password().isEmpty()) {
      env.put("PGPASSWORD", db.password());
    }
    return env;
  }

  /**
   * Runs to completion; stdout goes to {@code stdout} (or is discarded). Non-zero exit fails with
   * stderr's tail.
   */
  public void run(String what, List<String> command, Map<String, String> env, Path stdout)
      throws BackupException {
    if (cancelled) {
      throw new BackupException(what + " not started: shutting down");
    }
    List<String> full = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec \"$@\"", "sh"));
    full.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(full);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectOutput(
        stdout == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(stdout.toFile()));
    Path err = null;
    try {
      err = Files.createTempFile("backup-tool", ".err");
      pb.redirectError(err.toFile());
      Process process = pb.start();
      current = process;
      if (cancelled) {
        process.destroyForcibly();
      }
      int rc = process.waitFor();
      current = null;
      if (cancelled) {
        throw new BackupException(what + " stopped: shutting down");
      }
      if (rc != 0) {
        throw new BackupException(what + " failed (exit " + rc + "): " + tail(err));
      }
    } catch (IOException e) {
      throw new BackupException(what + " could not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Process p = current;
      if (p != null) {
        p.destroyForcibly();
      }
      throw new BackupException(what + " interrupted", e);
    } finally {
      current = null;
      if (err != null) {
        try {
          Files.deleteIfExists(err);
        } catch (IOException ignored) {
          // a temp file
        }
      }
    }
  }

  /** Kills the running child (if any) and refuses new ones. */
  public void cancel() {
    cancelled = true;
    Process p = current;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  public boolean cancelled() {
    return cancelled;
  }

  private static String tail(Path err) throws IOException {
    String text = Files.readString(err, StandardCharsets.UTF_8).strip();
    return text.length() <= STDERR_TAIL
        ? text
        : "..." + text.substring(text.length() - STDERR_TAIL);
  }
}
