package io.fleet.ingest.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Replaces one "## Title" section of a Markdown report, leaving other sections as they are. */
final class BenchReport {
  private BenchReport() {}

  static void replaceSection(Path file, String title, String body) throws IOException {
    String text =
        Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
    String heading = "## " + title + "\n";
    String section = heading + "\n" + body.strip() + "\n";
    int at = text.indexOf(heading);
    if (at < 0) {
      text = text.stripTrailing() + "\n\n" + section;
    } else {
      int next = text.indexOf("\n## ", at + heading.length());
      text = text.substring(0, at) + section + (next < 0 ? "" : "\n" + text.substring(next + 1));
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
