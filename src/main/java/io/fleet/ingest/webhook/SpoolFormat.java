package io.fleet.ingest.webhook;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The spool's line format, {@code <length> <crc32> <json>\n}: the length and checksum let a reader
 * tell a torn last line (never acknowledged) from a complete line that was damaged afterwards.
 */
final class SpoolFormat {
  private SpoolFormat() {}

  /** One record as the line appended to a segment, newline included. */
  static byte[] line(JsonObject record) {
    byte[] json = record.encode().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(json);
    byte[] head =
        (json.length + " " + Long.toHexString(crc.getValue()) + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[head.length + json.length + 1];
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(json, 0, line, head.length, json.length);
    line[line.length - 1] = '\n';
    return line;
  }

  /**
   * Every intact record. An unterminated last line is a torn write (never acknowledged) and is
   * skipped quietly; a complete line that fails its length or checksum is reported as corrupt.
   */
  static Spool.Segment read(Path segment) throws IOException {
    byte[] all = Files.readAllBytes(segment);
    List<JsonObject> records = new ArrayList<>();
    List<Long> corrupt = new ArrayList<>();
    int start = 0;
    while (start < all.length) {
      int end = start;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      boolean terminated = end < all.length;
      JsonObject record = parse(all, start, end);
      if (record != null) {
        records.add(record);
      } else if (terminated && end > start) {
        corrupt.add((long) start);
      }
      start = end + 1;
    }
    return new Spool.Segment(segment, all.length, records, corrupt);
  }

  /** The record on one line, or null when its length or checksum does not match. */
  private static JsonObject parse(byte[] all, int from, int to) {
    int sp1 = indexOf(all, from, to);
    int sp2 = sp1 < 0 ? -1 : indexOf(all, sp1 + 1, to);
    if (sp2 < 0) {
      return null;
    }
    try {
      int length = Integer.parseInt(new String(all, from, sp1 - from, StandardCharsets.US_ASCII));
      long sum =
          Long.parseLong(new String(all, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII), 16);
      if (length != to - sp2 - 1) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(all, sp2 + 1, length);
      return crc.getValue() == sum
          ? new JsonObject(new String(all, sp2 + 1, length, StandardCharsets.UTF_8))
          : null;
    } catch (RuntimeException bad) {
      return null;
    }
  }

  private static int indexOf(byte[] all, int from, int to) {
    for (int i = from; i < to; i++) {
      if (all[i] == ' ') {
        return i;
      }
    }
    return -1;
  }
}
