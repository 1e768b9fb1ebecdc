package io.fleet.ingest.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Demo mode without a configured token still runs closed: a random token is generated once and kept
 * in a 0600 file beside the spool directory (./data/demo-webhook-token by default), so a restart
 * keeps it. Blocking; startup only.
 */
public final class DemoToken {
  private DemoToken() {}

  public static Path file(Path spoolDir) {
    Path parent = spoolDir.toAbsolutePath().normalize().getParent();
    return (parent == null ? Path.of("data").toAbsolutePath() : parent)
        .resolve("demo-webhook-token");
  }

  public static String loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!existing.isEmpty()) {
        return existing;
      }
      Files.delete(file);
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    return token;
  }
}
