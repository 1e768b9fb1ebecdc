package io.fleet.ingest.arch;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fleet.ingest.store.AlarmWriter;
import io.fleet.ingest.store.IngestionLogWriter;
import io.fleet.ingest.store.QuarantineWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the write path: one writer per table, all in {@code store}; one run transaction
 * ({@code ingest.IngestRun}) that owns the quarantine and ingestion_log writes; and a polled alarm
 * reaching its row in one step per layer (vendor mapping, run template, table writer) through the
 * same writer the webhook uses.
 */
class OneWriterPerTableTest {
  private static final String ROOT = "io.fleet.ingest";
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);
  private static final Path SOURCES = Path.of("src/main/java/io/fleet/ingest");

  /**
   * A statement that adds or changes rows of a raw table, or a call of a tracksolid function (those
   * write too: record_device_contact is device_state's writer). The benchmark's resets (DELETE
   * before a run) are not pipeline writes and are left out.
   */
  private static final Pattern WRITE =
      Pattern.compile("(?:INSERT INTO|UPDATE|SELECT) tracksolid\\.(\\w+)");

  /**
   * Writes outside store to a table that has a store writer, with the reason: the demo history
   * generator of the poll benchmark bulk-loads months of synthetic rows over JDBC and is never
   * called by the service.
   */
  private static final Map<String, Set<String>> KNOWN =
      Map.of(
          "cli/FleetHistoryLoader.java",
          Set.of(
              "devices", "device_assignments", "trips", "parking", "alarms", "position_history"));

  @Test
  void onlyTheStoreWritesTablesThatHaveAWriter() throws IOException {
    Set<String> written = new TreeSet<>();
    Map<String, Set<String>> elsewhere = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String rel = SOURCES.relativize(file).toString().replace('\\', '/');
        Matcher m = WRITE.matcher(Files.readString(file));
        while (m.find()) {
          if (rel.startsWith("store/")) {
            written.add(m.group(1));
          } else {
            elsewhere.computeIfAbsent(rel, k -> new TreeSet<>()).add(m.group(1));
          }
        }
      }
    }
    assertThat(written)
        .contains(
            "alarms",
            "trips",
            "parking",
            "devices",
            "position_history",
            "push_messages",
            "quarantine",
            "ingestion_log",
            "checkpoints",
            "device_assignments",
            "record_device_contact",
            "rejected_pushes",
            "ingest_streams",
            "ingest_health_settings",
            "ingest_accounts");
    elsewhere.forEach(
        (file, tables) ->
            tables.stream()
                .filter(written::contains)
                .forEach(
                    table ->
                        assertThat(KNOWN.getOrDefault(file, Set.of()))
                            .as(
                                file
                                    + " writes tracksolid."
                                    + table
                                    + ", which has its writer in store")
                            .contains(table)));
  }

  @Test
  void onlyTheRunTemplateWritesQuarantineAndTheIngestionLog() {
    noClasses()
        .that()
        .resideOutsideOfPackages(ROOT + ".store..", ROOT + ".ingest..")
        .should()
        .callConstructorWhere(
            describe(
                "a constructor of QuarantineWriter",
                (JavaConstructorCall call) ->
                    call.getTargetOwner().isEquivalentTo(QuarantineWriter.class)))
        .check(MAIN);
    // Scheduled jobs (the purge) are runs too, but not ingest runs: they log through the same
    // writer without the template's quarantine, upsert and checkpoint.
    noClasses()
        .that()
        .resideOutsideOfPackages(ROOT + ".store..", ROOT + ".ingest..", ROOT + ".jobs..")
        .should()
        .callConstructorWhere(
            describe(
                "a constructor of IngestionLogWriter",
                (JavaConstructorCall call) ->
                    call.getTargetOwner().isEquivalentTo(IngestionLogWriter.class)))
        .check(MAIN);
  }

  @Test
  void aPolledAndAPushedAlarmLandThroughTheSameWriter() {
    Set<String> users = new TreeSet<>();
    MAIN.get(AlarmWriter.class)
        .getDirectDependenciesToSelf()
        .forEach(d -> users.add(d.getOriginClass().getName().replaceAll("\\$.*", "")));
    users.remove(AlarmWriter.class.getName());
    // Vendor mapping (TracksolidFleetSource) -> run template (IngestRun, via the slice) ->
    // AlarmWriter.
    assertThat(users).containsExactly(ROOT + ".poll.AlarmSlice", ROOT + ".webhook.PushIngestor");
    assertThat(MAIN.get(ROOT + ".poll.TracksolidFleetSource").getDirectDependenciesFromSelf())
        .as("the vendor mapping builds the store's record itself")
        .anyMatch(d -> d.getTargetClass().getName().equals(ROOT + ".store.AlarmRecord"));
  }
}
