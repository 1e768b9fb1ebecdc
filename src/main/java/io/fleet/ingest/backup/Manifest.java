package io.fleet.ingest.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * manifest.json: what one backup holds and how to check it. Written last, after every file was
 * verified, so a directory with a manifest is a complete backup.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    int format,
    String id,
    String startedAt,
    String finishedAt,
    String database,
    String serverVersion,
    int serverVersionNum,
    Map<String, String> extensions,
    String pgDumpVersion,
    String snapshot,
    Map<String, Long> tables,
    Map<String, Long> views,
    List<BackupFile> files,
    boolean verified) {

  public static final String FILE = "manifest.json";
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * One stored file: {@code sha256} of the bytes on disk, {@code plainSha256} of the content before
   * encryption.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BackupFile(
      String role, String name, long bytes, String sha256, String plainSha256, boolean encrypted) {}

  public int major() {
    return serverVersionNum / 10000;
  }

  public BackupFile file(String role) throws BackupException {
    return files.stream()
        .filter(f -> f.role().equals(role))
        .findFirst()
        .orElseThrow(() -> BackupException.refused("manifest lists no " + role + " file"));
  }

  public long totalBytes() {
    return files.stream().mapToLong(BackupFile::bytes).sum();
  }

  byte[] toBytes() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  public static Manifest read(Path dir) throws BackupException {
    Path file = dir.resolve(FILE);
    try {
      return JSON.readValue(file.toFile(), Manifest.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw BackupException.refused("no " + FILE + " in " + dir + ": not a complete backup");
    } catch (IOException e) {
      if (!Files.exists(file)) {
        throw BackupException.refused("no " + FILE + " in " + dir + ": not a complete backup");
      }
      throw BackupException.refused("unreadable " + file + ": " + e.getMessage());
    }
  }
}
