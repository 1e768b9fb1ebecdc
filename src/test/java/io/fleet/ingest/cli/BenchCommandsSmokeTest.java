package io.fleet.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The documented benchmark commands still run end to end (tiny sizes, no figures asserted), so the
 * commands in docs/reports/benchmarks.md keep reproducing.
 */
class BenchCommandsSmokeTest {

  @Test
  void benchWebhookRunsAndWritesItsSection(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("benchmarks.md");
    int exit =
        new CommandLine(new ServeCommand())
            .execute(
                "bench-webhook",
                "--items",
                "40",
                "--min-requests",
                "4",
                "--max-requests",
                "8",
                "--concurrency",
                "2",
                "--report",
                report.toString());
    assertThat(exit).isZero();
    assertThat(Files.readString(report))
        .contains("## Webhook")
        .contains("| json | 100 |")
        .contains("COPY");
  }

  @Test
  void benchPollRunsAndWritesItsSection(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("benchmarks.md");
    int exit =
        new CommandLine(new ServeCommand())
            .execute("bench-poll", "--devices", "2", "--days", "1", "--report", report.toString());
    assertThat(exit).isZero();
    assertThat(Files.readString(report)).contains("## Polling").contains("cache warm");
  }

  @Test
  void benchRollupsRunsAndWritesItsSection(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("benchmarks.md");
    int exit =
        new CommandLine(new ServeCommand())
            .execute(
                "bench-rollups",
                "--devices",
                "2",
                "--months",
                "1",
                "--ticks",
                "1",
                "--report",
                report.toString());
    assertThat(exit).isZero();
    assertThat(Files.readString(report))
        .contains("## Reporting rollups")
        .contains("| 1 month(s) |");
  }
}
