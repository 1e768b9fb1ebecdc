package io.fleet.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

  @Test
  void defaultsGiveAWorkingLocalConfiguration() {
    AppConfig config = AppConfig.load(Map.of(), true);
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.database().embeddedDir()).isEqualTo(Path.of("./data/pg"));
    assertThat(config.service().shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.service().logFormat()).isEqualTo("auto");
  }

  @Test
  void badValuesNameTheVariableAndWhatIsWrong() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("HTTP_PORT", "abc"), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HTTP_PORT")
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> AppConfig.load(Map.of("HTTP_PORT", "70000"), true))
        .hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> AppConfig.load(Map.of("SHUTDOWN_GRACE", "20s"), true))
        .hasMessageContaining("SHUTDOWN_GRACE")
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> AppConfig.load(Map.of("LOG_FORMAT", "xml"), true))
        .hasMessageContaining("LOG_FORMAT");
    assertThatThrownBy(() -> AppConfig.load(Map.of("DATABASE_URL", "mysql://x"), true))
        .hasMessageContaining("DATABASE_URL");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException e =
        (ConfigException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> AppConfig.load(Map.of("HTTP_PORT", "abc", "DATABASE_POOL_SIZE", "0"), true));
    assertThat(e.problems())
        .anyMatch(p -> p.startsWith("HTTP_PORT:"))
        .anyMatch(p -> p.startsWith("DATABASE_POOL_SIZE:"));
  }

  @Test
  void secretsComeFromFilesAndAreNeverEchoed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("db-url");
    Files.writeString(file, "postgresql://u:hunter2-secret@db:5432/fleet\n");
    AppConfig config = AppConfig.load(Map.of("DATABASE_URL_FILE", file.toString()), true);
    assertThat(config.database().url()).contains("postgresql://u:hunter2-secret@db:5432/fleet");
    assertThat(config.database().toString()).doesNotContain("hunter2");

    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of("DATABASE_URL", "mysql://u:hunter2@x", "HTTP_PORT", "1"), true))
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of(
                        "DATABASE_URL", "postgresql://a@b/c", "DATABASE_URL_FILE", file.toString()),
                    true))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of("DATABASE_URL_FILE", dir.resolve("missing").toString()), true))
        .hasMessageContaining("DATABASE_URL_FILE");
    assertThat(
            ConfigSummary.describe(Map.of("DATABASE_URL_FILE", file.toString()))
                .get("DATABASE_URL"))
        .isEqualTo("(set)");
  }

  @Test
  void everyKeyIsDeclaredOnceWithADoc() {
    Set<String> names = new HashSet<>();
    for (ConfigKey<?> key : AppConfig.KEYS) {
      assertThat(names.add(key.name())).as("declared twice: " + key.name()).isTrue();
      assertThat(key.doc()).as(key.name()).isNotBlank();
      if (!key.secret() && !key.defaultValue().isEmpty()) {
        // The declared default must itself be valid.
        key.parser().parse(key.defaultValue());
      }
    }
  }
}
