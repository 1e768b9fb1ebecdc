package io.fleet.ingest.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.Pg15Cluster;
import io.fleet.ingest.support.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code backup --once} command in its own JVM, held mid-dump: pg_dump waits for a lock
 * the test holds on a table outside the counted schemas. Meanwhile a restore fails fast on the
 * shared lock; then SIGTERM ends the run as the issue describes.
 */
class BackupShutdownAndLockTest {

  @BeforeAll
  static void cluster() {
    BackupFixture.assumeCluster();
    BackupFixture.sourceAdmin();
  }

  @Test
  void sigtermPastTheGraceLeavesNoPartialFileAndNoCatalogEntryAndARestoreMeanwhileFailsFast(
      @TempDir Path dir) throws Exception {
    Path store = dir.resolve("backups");
    try (Connection blocker = holdBlockerLock()) {
      Launched p = launch(dir, store, "PT1S");
      awaitDumpWaitingOnLock(p);

      // A restore while the backup runs: refused at once by the shared lock, target untouched.
      DatabaseTarget scratch = Pg15Cluster.fresh("drill_busy");
      assertThatThrownBy(
              () ->
                  new RestoreRun(
                          BackupFixture.config(store, List.of()),
                          scratch,
                          store,
                          Optional.empty(),
                          false,
                          new PrintStream(
                              new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                      .run())
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("another backup or restore is running");
      assertThat(p.process.isAlive()).isTrue();

      p.process.destroy(); // SIGTERM
      assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = p.output();
      assertThat(p.process.exitValue()).as(out).isNotZero();
      assertThat(out).contains("grace period PT1S over").contains("\"event\":\"backup_failed\"");
      try (Stream<Path> left = Files.list(store)) {
        assertThat(
                left.map(f -> f.getFileName().toString()).filter(n -> !n.equals(BackupLock.FILE)))
            .as("no partial file, no backup, no catalog")
            .isEmpty();
      }
      blocker.rollback();
    }
  }

  @Test
  void sigtermWithinTheGraceLetsTheDumpFinishVerified(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("backups");
    Launched p;
    try (Connection blocker = holdBlockerLock()) {
      p = launch(dir, store, "PT60S");
      awaitDumpWaitingOnLock(p);
      p.process.destroy(); // SIGTERM while pg_dump waits
      awaitOutput(p, "shutdown requested");
      blocker.rollback(); // the dump can go on now, within the grace
    }
    assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = p.output();
    assertThat(p.process.exitValue()).as(out).isZero();
    assertThat(out).contains("\"event\":\"backup_completed\"");
    List<String> catalog = Files.readAllLines(store.resolve(Catalog.FILE));
    assertThat(catalog).hasSize(1);
    assertThat(catalog.get(0)).contains("\"event\":\"backup\"");
    Manifest m =
        Manifest.read(store.resolve(catalog.get(0).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")));
    assertThat(m.verified()).isTrue();
    assertThat(m.tables()).containsEntry("tracksolid.alarms", 5L);
  }

  @Test
  void theSidecarBacksUpAtFirstStartServesHealthReadyAndMetricsAndStopsCleanly(@TempDir Path dir)
      throws Exception {
    Path store = dir.resolve("backups");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Launched p =
        launch(dir, store, "PT30S", Map.of("BACKUP_HTTP_PORT", String.valueOf(port)), "backup");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String metrics = "";
      while (System.nanoTime() < deadline
          && !metrics.contains("backup_runs_total{outcome=\"success\"} 1.0")) {
        if (!p.process.isAlive()) {
          throw new AssertionError("sidecar exited: " + p.output());
        }
        try {
          metrics = Http.get(port, "/metrics").body();
        } catch (IllegalStateException notListening) {
          metrics = "";
        }
        Thread.sleep(100);
      }
      assertThat(metrics)
          .as(p.output())
          .contains("backup_runs_total{outcome=\"success\"} 1.0")
          .contains("backup_last_verify_success 1.0");
      assertThat(Http.get(port, "/health").status()).isEqualTo(200);
      Http.Response ready = Http.get(port, "/ready");
      assertThat(ready.status()).as(ready.body()).isEqualTo(200);
      Http.Response unknown = Http.get(port, "/nope");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.body()).contains("\"error\":\"not_found\"");
      assertThat(Files.readAllLines(store.resolve(Catalog.FILE))).hasSize(1);
      assertThat(p.output()).contains("next backup at");
    } finally {
      p.process.destroy(); // SIGTERM while waiting for the next slot
    }
    assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.process.exitValue()).as(p.output()).isZero();
  }

  private static Connection holdBlockerLock() throws Exception {
    Connection c = Sql.connect(BackupFixture.sourceAdmin());
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("LOCK TABLE public.drill_blocker IN ACCESS EXCLUSIVE MODE");
    }
    return c;
  }

  private static void awaitDumpWaitingOnLock(Launched p) throws Exception {
    String sql =
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' "
            + "AND wait_event_type = 'Lock' AND datname = '"
            + BackupFixture.sourceAdmin().database()
            + "'";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.process.isAlive()) {
        throw new AssertionError("backup exited early: " + p.output());
      }
      if (Sql.count(BackupFixture.sourceAdmin(), sql) > 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("pg_dump never waited on the lock: " + p.output());
  }

  private static void awaitOutput(Launched p, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (p.output().contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + text + "' in: " + p.output());
  }

  record Launched(Process process, Path log) {
    String output() throws java.io.IOException {
      return Files.readString(log);
    }
  }

  static Launched launch(Path dir, Path store, String grace) throws Exception {
    return launch(dir, store, grace, Map.of(), "backup", "--once");
  }

  static Launched launch(
      Path dir, Path store, String grace, Map<String, String> extra, String... args)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), "io.fleet.ingest.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("DATABASE_")
                    || k.startsWith("BACKUP_")
                    || k.startsWith("LOG_")
                    || k.startsWith("PG"));
    pb.environment()
        .putAll(
            Map.of(
                "DATABASE_URL",
                BackupFixture.sourceAsBackupRole().uri(),
                "BACKUP_DIR",
                store.toString(),
                "BACKUP_PG_BIN",
                Pg15Cluster.BIN.toString(),
                "SHUTDOWN_GRACE",
                grace,
                "LOG_FORMAT",
                "json"));
    pb.environment().putAll(extra);
    Path log = Files.createTempFile(dir, "backup", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new Launched(pb.start(), log);
  }
}
