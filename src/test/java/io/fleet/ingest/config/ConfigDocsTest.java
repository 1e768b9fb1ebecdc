package io.fleet.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's configuration table and .env.example follow the declared keys exactly. */
class ConfigDocsTest {
  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9_]*)`\\s*\\|\\s*([^|]*?)\\s*\\|");

  @Test
  void readmeTableListsEveryKeyWithItsDefault() throws Exception {
    Map<String, String> documented = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (line.startsWith("## ")) {
        inSection = line.toLowerCase(Locale.ROOT).startsWith("## configuration");
      }
      Matcher m = ROW.matcher(line);
      if (inSection && m.find()) {
        documented.put(m.group(1), m.group(2).replace("`", "").trim());
      }
    }
    Map<String, String> declared = new LinkedHashMap<>();
    for (ConfigKey<?> key : AppConfig.KEYS) {
      declared.put(key.name(), key.displayDefault());
    }
    assertThat(documented).containsExactlyInAnyOrderEntriesOf(declared);
  }

  @Test
  void envExampleHasEveryKeyAndNoSecrets() throws Exception {
    List<String> lines = Files.readAllLines(Path.of(".env.example"));
    for (ConfigKey<?> key : AppConfig.KEYS) {
      assertThat(lines)
          .as(key.name())
          .anyMatch(l -> l.matches("#?\\s*" + key.name() + "(_FILE)?=.*"));
      if (key.secret()) {
        assertThat(lines)
            .as("secret " + key.name() + " must be a placeholder")
            .noneMatch(
                l -> l.matches(key.name() + "=.+") && !l.matches(key.name() + "=(changeme|<.*>|)"));
      }
    }
  }
}
