package io.fleet.ingest.backup;

import io.fleet.ingest.jobs.DailySchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's loop: a backup at once when none was ever made here (so monitoring has something to
 * watch from day one), then one at every BACKUP_AT slot until stopped. Runs on the calling thread;
 * waits on a latch, so a stop ends the wait at once.
 */
public final class BackupSchedule {
  private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);
  private final BackupService service;
  private final DailySchedule schedule;
  private final Clock clock;
  private final CountDownLatch stop = new CountDownLatch(1);

  public BackupSchedule(BackupService service, DailySchedule schedule, Clock clock) {
    this.service = service;
    this.schedule = schedule;
    this.clock = clock;
  }

  public void run(boolean backupNow) throws InterruptedException {
    if (backupNow) {
      log.info("no backup recorded in the catalog yet: taking one now");
      service.runOnce();
    }
    Instant slot = schedule.firstAtOrAfter(clock.instant());
    while (true) {
      Duration wait = Duration.between(clock.instant(), slot);
      log.info("next backup at {}", slot);
      if (stop.await(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS)) {
        return;
      }
      service.runOnce();
      slot = schedule.after(slot);
      // A host that slept through slots takes one backup, not one per missed day.
      while (slot.isBefore(clock.instant())) {
        slot = schedule.after(slot);
      }
    }
  }

  public void stop() {
    stop.countDown();
  }
}
