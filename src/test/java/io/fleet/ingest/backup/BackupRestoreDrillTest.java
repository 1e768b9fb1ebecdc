package io.fleet.ingest.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Pg15Cluster;
import io.fleet.ingest.support.Sql;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore drill against a real PostgreSQL whose pg_dump matches it: seed, back up as the backup
 * role, restore into a scratch database, and compare what an operator would compare.
 */
class BackupRestoreDrillTest {
  private static final String[] REPORTS = {
    "SELECT * FROM reporting.v_trips ORDER BY imei, start_time",
    "SELECT * FROM reporting.v_alarms ORDER BY alarm_time",
    "SELECT * FROM reporting.v_stops ORDER BY start_time",
    "SELECT * FROM reporting.v_latest_positions ORDER BY imei",
    "SELECT to_jsonb(v)::text AS row FROM reporting.v_daily_vehicle_summary v ORDER BY day, imei"
  };

  @TempDir static Path backups;
  private static Manifest plain;

  @BeforeAll
  static void backUpOnce() {
    BackupFixture.assumeCluster();
    BackupService.Outcome outcome = service(backups, List.of()).runOnce();
    assertThat(outcome.ok()).as(outcome.message()).isTrue();
    plain = outcome.manifest().orElseThrow();
  }

  @Test
  void restoredScratchDatabaseMatchesTheManifestAndTheSource() throws Exception {
    assertThat(plain.tables())
        .containsEntry("tracksolid.alarms", 5L)
        .containsEntry("tracksolid.trips", 4L)
        .containsEntry("tracksolid.position_history", 50L)
        .containsEntry("tracksolid.devices", 3L);
    assertThat(plain.views())
        .containsEntry("reporting.v_trips", 4L)
        .containsKey("reporting.v_daily_vehicle_summary");
    assertThat(plain.serverVersionNum() / 10000).isEqualTo(15);
    assertThat(plain.extensions()).containsKey("plpgsql");

    Path dir = backups.resolve(plain.id());
    for (Path f :
        List.of(
            dir.resolve("database.dump"),
            dir.resolve("roles.sql"),
            dir.resolve("manifest.json"),
            backups.resolve("catalog.jsonl"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as(f.toString())
          .isEqualTo("rw-------");
    }
    String roles = Files.readString(dir.resolve("roles.sql"));
    assertThat(roles)
        .contains("CREATE ROLE tracksolid_backup")
        .doesNotContainIgnoringCase("PASSWORD 'SCRAM")
        .doesNotContain("SCRAM-SHA-256");
    try (Stream<Path> leftovers = Files.list(backups)) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".partial"));
    }

    DatabaseTarget scratch = Pg15Cluster.fresh("drill_scratch");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RestoreRun.Result result =
        restore(dir.resolve("database.dump"), scratch, Optional.empty(), false, printed);
    assertThat(result.mismatches()).isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("checksum ok")
        .contains(
            "row counts: all "
                + (plain.tables().size() + plain.views().size())
                + " match the manifest");
    for (Map.Entry<String, Long> e : plain.tables().entrySet()) {
      assertThat(Sql.count(scratch, "SELECT count(*) FROM " + e.getKey()))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    for (Map.Entry<String, Long> e : plain.views().entrySet()) {
      assertThat(Sql.count(scratch, "SELECT count(*) FROM " + e.getKey()))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    for (String report : REPORTS) {
      assertThat(Sql.rows(scratch, report))
          .as(report)
          .isEqualTo(Sql.rows(BackupFixture.sourceAdmin(), report));
    }
  }

  private static void assertNoWorkDirectoriesLeft(Path store) throws Exception {
    try (Stream<Path> left = Files.list(store)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".partial") || n.startsWith(".restore"));
    }
  }

  @Test
  void aBackupWithOneByteChangedIsRefused(@TempDir Path copy) throws Exception {
    Path dir = copyOf(backups.resolve(plain.id()), copy);
    Path dump = dir.resolve("database.dump");
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(dump, bytes);
    DatabaseTarget scratch = Pg15Cluster.fresh("drill_damaged");
    assertThatThrownBy(
            () -> restore(dump, scratch, Optional.empty(), false, new ByteArrayOutputStream()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("refusing to restore");
    assertThat(Sql.count(scratch, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tracksolid'"))
        .isZero();
  }

  @Test
  void aServerOrExtensionVersionMismatchIsRefusedWithAClearMessage(@TempDir Path copy)
      throws Exception {
    Path dir = copyOf(backups.resolve(plain.id()), copy);
    ObjectNode manifest =
        (ObjectNode) Manifest.JSON.readTree(dir.resolve("manifest.json").toFile());
    manifest.put("serverVersion", "17.6").put("serverVersionNum", 170006);
    Manifest.JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
    DatabaseTarget scratch = Pg15Cluster.fresh("drill_version");
    assertThatThrownBy(
            () -> restore(dir, scratch, Optional.empty(), false, new ByteArrayOutputStream()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "version mismatch: the backup was taken from PostgreSQL 17.6 (major 17)")
        .hasMessageContaining("target runs 15");

    manifest
        .put("serverVersion", plain.serverVersion())
        .put("serverVersionNum", plain.serverVersionNum());
    ((ObjectNode) manifest.get("extensions")).put("plpgsql", "9.9");
    Manifest.JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
    assertThatThrownBy(
            () -> restore(dir, scratch, Optional.empty(), false, new ByteArrayOutputStream()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "version mismatch: the backup has extension plpgsql 9.9 but the target has 1.0");
    assertThat(Sql.count(scratch, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tracksolid'"))
        .isZero();
  }

  @Test
  void aNonEmptyTargetIsRefusedUnlessForced() throws Exception {
    Path dir = backups.resolve(plain.id());
    DatabaseTarget target = Pg15Cluster.fresh("drill_nonempty");
    Pg15Cluster.exec(
        target,
        "CREATE TABLE public.something (id int)",
        "INSERT INTO public.something VALUES (1)");
    assertThatThrownBy(
            () -> restore(dir, target, Optional.empty(), false, new ByteArrayOutputStream()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is not empty")
        .hasMessageContaining("--force");
    RestoreRun.Result forced =
        restore(dir, target, Optional.empty(), true, new ByteArrayOutputStream());
    assertThat(forced.mismatches()).isEmpty();
    assertThat(Sql.count(target, "SELECT count(*) FROM tracksolid.alarms")).isEqualTo(5);
  }

  @Test
  void anEncryptedBackupNeedsTheKeyOnlyAtRestore(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("restore-key.txt");
    Process keygen =
        new ProcessBuilder("age-keygen", "-o", key.toString()).redirectErrorStream(true).start();
    String keygenOut = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keygen.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String recipient = keygenOut.replaceAll("(?s).*(age1[0-9a-z]{58}).*", "$1");
    Path store = dir.resolve("backups");

    BackupService.Outcome outcome = service(store, List.of(recipient)).runOnce();
    assertThat(outcome.ok()).as(outcome.message()).isTrue();
    Manifest m = outcome.manifest().orElseThrow();
    Path backup = store.resolve(m.id());
    try (Stream<Path> files = Files.list(backup)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("database.dump.age", "roles.sql.age", "manifest.json");
    }
    assertThat(m.file("database").encrypted()).isTrue();
    assertThat(Files.readAllBytes(backup.resolve("database.dump.age")))
        .startsWith("age-encryption.org/v1".getBytes(StandardCharsets.US_ASCII));

    DatabaseTarget scratch = Pg15Cluster.fresh("drill_encrypted");
    assertThatThrownBy(
            () -> restore(backup, scratch, Optional.empty(), false, new ByteArrayOutputStream()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("--identity");
    RestoreRun.Result result =
        restore(
            backup.resolve("database.dump.age"),
            scratch,
            Optional.of(key),
            false,
            new ByteArrayOutputStream());
    assertThat(result.mismatches()).isEmpty();
    assertNoWorkDirectoriesLeft(backups); // the decrypted copy is gone
    assertThat(Sql.count(scratch, "SELECT count(*) FROM tracksolid.position_history"))
        .isEqualTo(50);
  }

  private static BackupService service(Path dir, List<String> recipients) {
    return new BackupService(
        BackupFixture.config(dir, recipients),
        BackupFixture.sourceAsBackupRole(),
        Clock.systemUTC(),
        new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  private static RestoreRun.Result restore(
      Path file,
      DatabaseTarget target,
      Optional<Path> identity,
      boolean force,
      ByteArrayOutputStream printed)
      throws BackupException {
    // The lock lives in BACKUP_DIR: a restore of a copied backup still locks the configured store.
    return new RestoreRun(
            BackupFixture.config(backups, List.of()),
            target,
            file,
            identity,
            force,
            new PrintStream(printed, true, StandardCharsets.UTF_8))
        .run();
  }

  private static Path copyOf(Path backup, Path into) throws Exception {
    Path dir = into.resolve(backup.getFileName());
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(backup)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return dir;
  }
}
