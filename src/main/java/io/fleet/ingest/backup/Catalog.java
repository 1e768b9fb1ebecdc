package io.fleet.ingest.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * catalog.jsonl in BACKUP_DIR: one line per completed backup ({@code "event":"backup"}) and per
 * pruned one ({@code "event":"pruned"}), appended and fsync'd. Only a verified backup is ever
 * appended; the history survives pruning.
 */
public final class Catalog {
  public static final String FILE = "catalog.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public Catalog(Path dir) {
    this.file = dir.resolve(FILE);
  }

  void backedUp(Manifest m, Path dir) throws IOException {
    ObjectNode line =
        JSON.createObjectNode()
            .put("event", "backup")
            .put("id", m.id())
            .put("finishedAt", m.finishedAt())
            .put("dir", dir.getFileName().toString())
            .put("bytes", m.totalBytes())
            .put("sha256", m.files().get(0).sha256())
            .put("encrypted", m.files().get(0).encrypted());
    append(line);
  }

  void pruned(String id, String at, String keptAs) throws IOException {
    append(
        JSON.createObjectNode()
            .put("event", "pruned")
            .put("id", id)
            .put("at", at)
            .put("reason", keptAs));
  }

  /** Every backup line, oldest first. */
  public List<JsonNode> backups() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode node = JSON.readTree(line);
        if ("backup".equals(node.path("event").asText())) {
          out.add(node);
        }
      } catch (IOException torn) {
        // A line torn by a crash mid-append: the backup it describes is judged by its manifest.
      }
    }
    return out;
  }

  public Optional<JsonNode> last() throws IOException {
    List<JsonNode> all = backups();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private void append(ObjectNode line) throws IOException {
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    if (!Files.exists(file)) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
  }
}
