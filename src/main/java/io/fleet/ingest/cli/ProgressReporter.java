package io.fleet.ingest.cli;

import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.poll.Backfill;
import io.fleet.ingest.poll.Endpoint;
import io.fleet.ingest.poll.Window;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar (percent, rows, ETA) on a terminal; plain lines when output is piped or logged.
 */
final class ProgressReporter implements Backfill.Progress {
  private final boolean terminal;
  private ProgressBar bar;
  private long total;
  private long done;
  private long rows;

  private ProgressReporter(boolean terminal) {
    this.terminal = terminal;
  }

  static ProgressReporter create() {
    return new ProgressReporter(isTerminal());
  }

  /** JDK 22+ returns a Console even when output is redirected; ask it, where it can be asked. */
  // Null is still what JDK 21, the release this targets, returns without a terminal.
  @SuppressWarnings("SystemConsoleNull")
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  @Override
  public synchronized void planned(
      String account, Endpoint endpoint, int totalSlices, int alreadyDone) {
    total += totalSlices;
    done += alreadyDone;
    if (terminal) {
      if (bar == null) {
        bar =
            new ProgressBarBuilder()
                .setTaskName("backfill")
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" slices", 1)
                .showSpeed()
                .build();
      }
      bar.maxHint(total);
      bar.stepTo(done);
    } else {
      System.out.printf(
          Locale.ROOT,
          "backfill %s %s: %d slices, %d already done%n",
          endpoint.key(),
          account,
          totalSlices,
          alreadyDone);
    }
  }

  @Override
  public synchronized void sliceDone(
      String account, Endpoint endpoint, Window slice, Counts counts) {
    done++;
    rows += counts.inserted() + counts.updated();
    if (terminal) {
      bar.stepTo(done);
      bar.setExtraMessage(rows + " rows");
      if (done >= total) {
        bar.close();
      }
    } else {
      System.out.printf(
          Locale.ROOT,
          "backfill %s %s %s..%s: %d fetched, %d inserted, %d updated, %d rejected "
              + "(%d/%d slices, %.0f%%)%n",
          endpoint.key(),
          account,
          slice.from(),
          slice.to(),
          counts.fetched(),
          counts.inserted(),
          counts.updated(),
          counts.rejected(),
          done,
          total,
          total == 0 ? 100.0 : 100.0 * done / total);
    }
  }
}
