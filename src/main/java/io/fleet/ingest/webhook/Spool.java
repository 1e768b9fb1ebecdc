package io.fleet.ingest.webhook;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, fsync'd log of acknowledged pushes the database could not take yet. Records are
 * lines {@code <length> <crc32> <json>} in numbered segment files; a torn last line from a crash
 * fails its checksum and is skipped (it was never acknowledged, since the ack follows the fsync).
 * Segments are replayed oldest first and deleted once replayed. A complete line that fails its
 * checksum is not a torn write: its segment is kept as {@code *.corrupt} for an operator.
 *
 * <p>Blocking: every method must run on the webhook's single spool worker thread, never on an event
 * loop. That one thread also serialises appends against replay reads.
 */
final class Spool {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final Pattern SEGMENT = Pattern.compile("spool-(\\d{20})\\.log");
  private static final Pattern ANY_SEGMENT = Pattern.compile("spool-(\\d{20})\\.log.*");
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
  private final SegmentOpener opener;
  // What the counters hold for each segment, so retiring one takes back exactly what it added,
  // whatever could be read back from it.
  private final Map<Path, long[]> counted = new HashMap<>();

  /** Opens a new segment for writing; a seam for tests that need a failing disk. */
  interface SegmentOpener {
    FileChannel open(Path path) throws IOException;
  }

  /**
   * A segment and the records that could be read from it; {@code corruptOffsets} are the byte
   * offsets of complete lines that failed their checksum (not a torn tail).
   */
  record Segment(Path path, long bytes, List<JsonObject> records, List<Long> corruptOffsets) {
    boolean corrupt() {
      return !corruptOffsets.isEmpty();
    }
  }

  Spool(Path dir, long maxBytes) {
    this(
        dir,
        maxBytes,
        path -> FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  Spool(Path dir, long maxBytes, SegmentOpener opener) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.opener = opener;
  }

  /** Scans what a previous run left; appends always go to a new segment after a restart. */
  void open() throws IOException {
    Files.createDirectories(dir);
    // Two processes on one spool would replay and delete each other's segments.
    lockChannel =
        FileChannel.open(
            dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException(
          "WEBHOOK_SPOOL_DIR "
              + dir.toAbsolutePath()
              + " is in use by another process; give each replica its own spool directory");
    }
    long maxSeq = 0;
    long total = 0;
    long count = 0;
    for (Path p : segments()) {
      long size = Files.size(p);
      long n = SpoolFormat.read(p).records().size();
      counted.put(p, new long[] {size, n});
      total += size;
      count += n;
    }
    try (Stream<Path> files = Files.list(dir)) {
      // Segments moved aside keep their numbers taken, so a new segment never reuses one.
      for (Path p : files.toList()) {
        Matcher m = ANY_SEGMENT.matcher(p.getFileName().toString());
        if (m.matches()) {
          maxSeq = Math.max(maxSeq, Long.parseLong(m.group(1)));
        }
      }
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
    byte[] line = SpoolFormat.line(record);
    int size = line.length;
    if (bytes.get() + size > maxBytes) {
      return false;
    }
    if (current == null || current.size() >= SEGMENT_BYTES) {
      startSegment();
    }
    ByteBuffer buf = ByteBuffer.wrap(line);
    long start = current.position();
    try {
      while (buf.hasRemaining()) {
        current.write(buf);
      }
      current.force(false);
    } catch (IOException e) {
      discardPartial(start);
      throw e;
    }
    bytes.addAndGet(size);
    requests.incrementAndGet();
    long[] c = counted.computeIfAbsent(currentPath, p -> new long[2]);
    c[0] += size;
    c[1]++;
    return true;
  }

  /**
   * A failed write may have left part of a record: cut it off, so the next acknowledged record does
   * not land on the same line and fail its checksum. If even that fails, the segment is sealed: the
   * fragment stays its unterminated last line (a torn tail) and appends move on to a new file.
   */
  private void discardPartial(long start) {
    try {
      current.truncate(start);
      current.position(start);
      current.force(false);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "could not cut a failed spool write back in {}: sealing the segment ({})",
          currentPath.getFileName(),
          e.toString());
      try {
        seal();
      } catch (IOException ignored) {
        current = null;
        currentPath = null;
      }
    }
  }

  /**
   * The oldest segment with its records, sealing the current one first if it is the oldest, so a
   * replay never reads a file that is still growing. Empty when nothing is spooled.
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
    Segment segment = SpoolFormat.read(first);
    if (segment.corrupt()) {
      log.error(
          "webhook spool segment {} holds {} corrupt record(s) at byte offset(s) {}: the intact records "
              + "are replayed and the segment is kept as {}.corrupt for inspection",
          first.toAbsolutePath(),
          segment.corruptOffsets().size(),
          segment.corruptOffsets(),
          first.getFileName());
    }
    return java.util.Optional.of(segment);
  }

  /**
   * Forgets a replayed segment: deleted, or, when it held a corrupt record, moved aside as {@code
   * *.corrupt} so nothing acknowledged vanishes unseen.
   */
  void delete(Segment segment) throws IOException {
    if (segment.corrupt()) {
      Path aside = segment.path().resolveSibling(segment.path().getFileName() + ".corrupt");
      for (int i = 1; Files.exists(aside); i++) {
        aside = segment.path().resolveSibling(segment.path().getFileName() + ".corrupt." + i);
      }
      Files.move(segment.path(), aside);
      log.error(
          "webhook spool segment {} moved aside to {}",
          segment.path().getFileName(),
          aside.toAbsolutePath());
    } else {
      Files.deleteIfExists(segment.path());
    }
    long[] c = counted.remove(segment.path());
    bytes.addAndGet(-(c == null ? segment.bytes() : c[0]));
    requests.addAndGet(-(c == null ? segment.records().size() : c[1]));
  }

  Path dir() {
    return dir;
  }

  void close() throws IOException {
    seal();
    if (lockChannel != null) {
      lockChannel.close(); // releases the lock
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
    Path path = dir.resolve(String.format("spool-%020d.log", nextSeq++));
    current = opener.open(path);
    currentPath = path;
    counted.put(path, new long[2]);
    // The new file's directory entry must survive a crash too.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot fsync a directory; the data itself is still forced.
    }
  }

  /** The segments waiting, oldest first (for the operator's listing, which only reads them). */
  static List<Path> segments(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
          .sorted()
          .toList();
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
          .sorted()
          .toList();
    }
  }
}
