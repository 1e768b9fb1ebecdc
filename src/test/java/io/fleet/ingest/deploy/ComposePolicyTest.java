package io.fleet.ingest.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yaml read as YAML (no Docker engine needed): the real file follows the policy, and
 * each kind of breach, put into a copy of it, is caught.
 */
class ComposePolicyTest {
  private static String compose;
  private static List<String> envExample;

  @BeforeAll
  static void read() throws Exception {
    compose = Files.readString(Path.of("docker-compose.yaml"));
    envExample = Files.readAllLines(Path.of(".env.example"));
  }

  @Test
  void theComposeFileFollowsThePolicy() {
    assertThat(ComposePolicy.violations(compose, envExample)).isEmpty();
    assertThat(compose)
        .contains("timescale/timescaledb:2.28.3-pg17")
        .contains("--data-checksums")
        .contains("shm_size:")
        .contains("internal: true");
  }

  @Test
  void anUnpinnedImageFails() {
    assertThat(
            ComposePolicy.violations(
                compose.replace("prom/prometheus:v2.55.1", "prom/prometheus:latest"), envExample))
        .containsExactly(
            "prometheus: image prom/prometheus:latest is not pinned to an exact version");
    assertThat(
            ComposePolicy.violations(
                compose.replace("prom/prometheus:v2.55.1", "prom/prometheus"), envExample))
        .containsExactly("prometheus: image prom/prometheus is not pinned to an exact version");
  }

  @Test
  void aDatabasePortPublishedBeyondLoopbackFails() {
    String published =
        compose.replace(
            "    shm_size: 256m\n", "    shm_size: 256m\n    ports:\n      - \"5432:5432\"\n");
    assertThat(ComposePolicy.violations(published, envExample))
        .containsExactly("db: database port 5432:5432 is published beyond loopback");
    String allInterfaces = compose.replace("\"127.0.0.1:8080:8080\"", "\"0.0.0.0:8080:8080\"");
    assertThat(ComposePolicy.violations(allInterfaces, envExample))
        .containsExactly("ingest: port 0.0.0.0:8080:8080 is published beyond loopback");
  }

  @Test
  void aDockerSocketMountFails() {
    String mounted =
        compose.replace(
            "      - promdata:/prometheus\n",
            "      - promdata:/prometheus\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n");
    assertThat(ComposePolicy.violations(mounted, envExample))
        .containsExactly(
            "prometheus: mounts the Docker socket (/var/run/docker.sock:/var/run/docker.sock:ro)");
  }

  @Test
  void aServiceWithoutLoggingOrLimitsFails() {
    // A service added later (a dashboard, say) is held to the same rules.
    String added =
        compose.replace(
            "\nnetworks:\n",
            """

              dashboards:
                image: grafana/grafana:11.3.0
                networks: [internal]

            networks:
            """);
    assertThat(ComposePolicy.violations(added, envExample))
        .containsExactlyInAnyOrder(
            "dashboards: no log rotation (logging: *logging, json-file with max-size and max-file)",
            "dashboards: no memory limit (deploy.resources.limits)");
  }

  @Test
  void aVariableMissingFromEnvExampleFails() {
    String interpolated =
        compose.replace("BACKUP_AT: ${BACKUP_AT:-03:30}", "BACKUP_AT: ${BACKUP_TIME:-03:30}");
    assertThat(ComposePolicy.violations(interpolated, envExample))
        .containsExactly("variable ${BACKUP_TIME} is not in .env.example");
    String undocumented =
        compose.replace(
            "      MIGRATE_ON_START: \"false\"\n",
            "      MIGRATE_ON_START: \"false\"\n      INGEST_TURBO: \"true\"\n");
    assertThat(ComposePolicy.violations(undocumented, envExample))
        .containsExactly("ingest: environment variable INGEST_TURBO is not in .env.example");
    String undocumentedBuilt =
        compose.replace(
            "      DATABASE_URL_FILE: /run/secrets/db_migration_url\n",
            "      DATABASE_URL_FILE: /run/secrets/db_migration_url\n      MIGRATE_TURBO: \"true\"\n");
    assertThat(ComposePolicy.violations(undocumentedBuilt, envExample))
        .containsExactly("migrate: environment variable MIGRATE_TURBO is not in .env.example");
  }

  @Test
  void theImagesRunAsAFixedNonRootUidWithARootOwnedJarAndASmallProbe() throws Exception {
    for (String file : List.of("Dockerfile", "deploy/backup/Dockerfile")) {
      List<String> lines = Files.readAllLines(Path.of(file));
      List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
      assertThat(users)
          .as(file + ": one fixed non-root uid")
          .singleElement()
          .satisfies(u -> assertThat(u).matches("USER [1-9][0-9]*:[1-9][0-9]*"));
      assertThat(lines)
          .as(file + ": jar owned by root")
          .anyMatch(l -> l.contains("--chown=root:root") && l.contains("tracksolid-ingest.jar"));
      assertThat(String.join("\n", lines))
          .as(file + ": a small probe JVM")
          .containsPattern("HEALTHCHECK[^\\n]*\\\\\\n\\s*CMD \\[\"java\", \"-Xmx16m\"");
      assertThat(lines)
          .as(file + ": pinned base images")
          .filteredOn(l -> l.startsWith("FROM "))
          .allMatch(l -> l.matches("FROM \\S+:\\S*\\d+\\.\\d+\\S*( AS \\w+)?"));
    }
    assertThat(Files.readString(Path.of("deploy/backup/Dockerfile")))
        .contains("FROM timescale/timescaledb:2.28.3-pg17");
  }
}
