package io.fleet.ingest.backup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One backup or restore at a time per BACKUP_DIR: an OS file lock on {@code .lock}, taken without
 * waiting, so a second run fails at once instead of queueing. The OS drops the lock when the
 * process dies, so a crash never leaves a stale lock behind.
 */
public final class BackupLock implements AutoCloseable {
  static final String FILE = ".lock";
  private final FileChannel channel;
  private final FileLock lock;

  private BackupLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static BackupLock acquire(Path dir, String who) throws BackupException {
    try {
      Files.createDirectories(dir);
      FileChannel channel =
          FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw BackupException.refused(
            "another backup or restore is running (lock "
                + dir.resolve(FILE)
                + " is held); "
                + who
                + " refused");
      }
      return new BackupLock(channel, lock);
    } catch (IOException e) {
      throw new BackupException("cannot take the lock in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // closing the channel releases the lock in any case
    }
  }
}
