package io.fleet.ingest.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Outside tools a test needs (chromium, promtool, pg_dump ...). `./tracksolid-ingest test` installs
 * their Debian packages (.ci/test-packages), so a test skips only where the tool truly cannot be
 * had, with one line naming the tool and the package that brings it.
 */
public final class Tools {
  private Tools() {}

  /** The executable {@code name} on the PATH or in one of {@code more}, if any. */
  public static Optional<Path> find(String name, Path... more) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    for (Path dir : more) {
      if (Files.isExecutable(dir.resolve(name))) {
        return Optional.of(dir.resolve(name));
      }
    }
    return Optional.empty();
  }

  /** The tool, or the test is skipped with one line saying why. */
  public static Path require(String name, String debianPackage, Path... more) {
    Optional<Path> tool = find(name, more);
    Assumptions.assumeTrue(
        tool.isPresent(),
        () ->
            name
                + " is absent (Debian package "
                + debianPackage
                + ", installed by ./tracksolid-ingest test as root): skipped");
    return tool.orElseThrow();
  }
}
