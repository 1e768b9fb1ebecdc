package io.fleet.ingest.webhook;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * An append-only, fsync'd log of acknowledged pushes the database could not take yet. Records
 * are lines {@code <length> <crc32> <json>} in numbered segment files; a torn last line from a
 * crash fails its checksum and is skipped (it was never acknowledged, since the ack follows the
 * fsync). Segments are replayed oldest first and deleted once replayed.
 *
 * <p>Blocking: every method must run on the webhook's single spool worker thread, never on an
 * event loop. That one thread also serialises appends against replay reads.
 */
final class Spool {
  private static final Pattern SEGMENT = Pattern.compile("spool-(\\d{20})\\.log");
  private static final long SEGMENT_BYTES = 8L * 1024 * 1024;

  private final Path dir;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private FileChannel current;
  private FileChannel lockChannel;
  private java.nio.channels.FileLock lock;
  private Path currentPath;
  private long nextSeq;

  /** A segment and the records that could be read from it. */
  record Segment(Path path, long bytes, List<JsonObject> records) {
  }

  Spool(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** Scans what a previous run left; appends always go to a new segment after a restart. */
  void open() throws IOException {
    Files.createDirectories(dir);
    // Two processes on one spool would replay and delete each other's segments.
    lockChannel = FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("WEBHOOK_SPOOL_DIR " + dir.toAbsolutePath()
          + " is in use by another process; give each replica its own spool directory");
    }
    long maxSeq = 0;
    long total = 0;
    long count = 0;
    for (Path p : segments()) {
      maxSeq = Math.max(maxSeq, seq(p));
      total += Files.size(p);
      count += read(p).size();
    }
    bytes.set(total);
    requests.set(count);
    nextSeq = maxSeq + 1;
  }

  long bytes() {
    return bytes.get();
  }

  long requests() {
    return requests.get();
  }

  boolean isEmpty() {
    return requests.get() == 0;
  }

  /** Appends and fsyncs one record; false, without writing, when it would exceed the limit. */
  boolean append(JsonObject record) throws IOException {
    byte[] json = record.encode().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(json);
    byte[] head = (json.length + " " + Long.toHexString(crc.getValue()) + " ").getBytes(StandardCharsets.UTF_8);
    int size = head.length + json.length + 1;
    if (bytes.get() + size > maxBytes) {
      return false;
    }
    if (current == null || current.size() >= SEGMENT_BYTES) {
      startSegment();
    }
    ByteBuffer buf = ByteBuffer.allocate(size).put(head).put(json).put((byte) '\n').flip();
    while (buf.hasRemaining()) {
      current.write(buf);
    }
    current.force(false);
    bytes.addAndGet(size);
    requests.incrementAndGet();
    return true;
  }

  /**
   * The oldest segment with its records, sealing the current one first if it is the oldest, so
   * a replay never reads a file that is still growing. Empty when nothing is spooled.
   */
  java.util.Optional<Segment> oldest() throws IOException {
    List<Path> all = segments();
    if (all.isEmpty()) {
      return java.util.Optional.empty();
    }
    Path first = all.get(0);
    if (first.equals(currentPath)) {
      seal();
    }
    return java.util.Optional.of(new Segment(first, Files.size(first), read(first)));
  }

  /** Forgets a replayed segment. */
  void delete(Segment segment) throws IOException {
    Files.deleteIfExists(segment.path());
    bytes.addAndGet(-segment.bytes());
    requests.addAndGet(-segment.records().size());
  }

  /** Keeps a record the database refused for good beside the spool, for an operator to inspect. */
  void deadLetter(JsonObject record, String why) throws IOException {
    Path file = dir.resolve("rejected.log");
    String line = new JsonObject().put("error", why).put("record", record).encode() + "\n";
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      ch.force(false);
    }
  }

  void close() throws IOException {
    seal();
    if (lockChannel != null) {
      lockChannel.close();  // releases the lock
      lockChannel = null;
    }
  }

  private void seal() throws IOException {
    if (current != null) {
      current.close();
      current = null;
      currentPath = null;
    }
  }

  private void startSegment() throws IOException {
    seal();
    currentPath = dir.resolve(String.format("spool-%020d.log", nextSeq++));
    current = FileChannel.open(currentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    // The new file's directory entry must survive a crash too.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot fsync a directory; the data itself is still forced.
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
    }
  }

  private static long seq(Path p) {
    Matcher m = SEGMENT.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Every intact record; a line that fails its length or checksum (a torn write) is skipped. */
  static List<JsonObject> read(Path segment) throws IOException {
    List<JsonObject> records = new ArrayList<>();
    // Decoded leniently: a torn tail may end mid-character, and must not hide the intact records.
    for (String line : new String(Files.readAllBytes(segment), StandardCharsets.UTF_8).split("\n")) {
      String[] parts = line.split(" ", 3);
      if (parts.length < 3) {
        continue;
      }
      byte[] json = parts[2].getBytes(StandardCharsets.UTF_8);
      CRC32 crc = new CRC32();
      crc.update(json);
      try {
        if (Integer.parseInt(parts[0]) == json.length && Long.parseLong(parts[1], 16) == crc.getValue()) {
          records.add(new JsonObject(parts[2]));
        }
      } catch (RuntimeException torn) {
        // skipped: an unacknowledged partial write
      }
    }
    return records;
  }
}
