package io.fleet.ingest.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only ingest.RowRules says how long a device id, an alarm type or a message type may be: a second
 * copy of 32, 64 or 128 elsewhere would let the poll and push paths drift apart again.
 */
class RowLimitsTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Path RULES = MAIN.resolve("io/fleet/ingest/ingest/RowRules.java");
  // A length compared with one of the limits, or a constant named like one.
  private static final Pattern LIMIT =
      Pattern.compile(
          "length\\(\\)\\s*[<>]=?\\s*(32|64|128)\\b|\\b(32|64|128)\\s*[<>]=?\\s*\\w+\\.length\\(\\)"
              + "|MAX_(IMEI|ALARM_TYPE|MSG_TYPE)\\s*=");

  @Test
  void onlyRowRulesDefinesTheKeyLimits() throws IOException {
    List<String> offenders;
    try (Stream<Path> files = Files.walk(MAIN)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java") && !p.equals(RULES))
              .flatMap(RowLimitsTest::hits)
              .toList();
    }
    assertThat(offenders).isEmpty();
    assertThat(Files.readString(RULES)).containsPattern(LIMIT);
  }

  private static Stream<String> hits(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return java.util.stream.IntStream.range(0, lines.size())
          .filter(i -> LIMIT.matcher(lines.get(i)).find())
          .mapToObj(i -> file + ":" + (i + 1) + ": " + lines.get(i).trim());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
