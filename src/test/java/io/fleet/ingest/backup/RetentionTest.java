package io.fleet.ingest.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.pgclient.SslMode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention over 60 simulated days on an injected clock, through the real store and catalog. */
class RetentionTest {
  private static final ZoneId ZONE = ZoneId.of("Africa/Nairobi");

  @Test
  void sixtyNightlyBackupsLeaveExactlySevenDailyAndFourWeekly(@TempDir Path dir) throws Exception {
    MutableClock clock =
        new MutableClock(Instant.parse("2026-09-01T00:30:00Z")); // 03:30 in Nairobi
    BackupStore store = new BackupStore(dir);
    Retention policy = new Retention(7, 4, ZONE);
    for (int day = 0; day < 60; day++) {
      commitSyntheticBackup(store, clock.instant());
      store.prune(policy, clock.instant());
      clock.advance(Duration.ofDays(1));
    }
    List<Retention.Backup> left = store.list();
    Map<String, String> kept = policy.keep(left);
    assertThat(left).hasSize(11);
    assertThat(kept.values().stream().filter("daily"::equals)).hasSize(7);
    assertThat(kept.values().stream().filter("weekly"::equals)).hasSize(4);
    // The 7 newest days, then one per ISO week for the 4 weeks before them.
    Instant last = Instant.parse("2026-09-01T00:30:00Z").plus(Duration.ofDays(59));
    for (int d = 0; d < 7; d++) {
      assertThat(kept).containsEntry(BackupRun.ID.format(last.minus(Duration.ofDays(d))), "daily");
    }
    List<String> weeks =
        left.stream()
            .filter(b -> "weekly".equals(kept.get(b.id())))
            .map(
                b ->
                    b.finishedAt()
                            .atZone(ZONE)
                            .toLocalDate()
                            .get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR)
                        + "")
            .distinct()
            .toList();
    assertThat(weeks).hasSize(4);
    try (Stream<Path> dirs = Files.list(dir)) {
      assertThat(dirs.filter(Files::isDirectory)).hasSize(11);
    }
    long lines;
    try (Stream<String> catalog = Files.lines(dir.resolve(Catalog.FILE))) {
      lines = catalog.filter(l -> l.contains("\"event\":\"pruned\"")).count();
    }
    assertThat(lines).isEqualTo(49);
    assertThat(store.catalog().backups()).hasSize(60);
  }

  @Test
  void aFailedRunNeverPrunes(@TempDir Path dir) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-09-01T03:30:00Z"));
    BackupStore store = new BackupStore(dir);
    for (int day = 0; day < 5; day++) {
      commitSyntheticBackup(store, clock.instant());
      clock.advance(Duration.ofDays(1));
    }
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    // Keep 1 daily and 0 weekly: a successful run would prune four of the five.
    BackupConfig config =
        new BackupConfig(
            dir, LocalTime.of(3, 30), ZONE, 1, 0, List.of(), Optional.empty(), "127.0.0.1", 0);
    DatabaseTarget unreachable =
        new DatabaseTarget("127.0.0.1", closedPort, "nowhere", "nobody", "", SslMode.DISABLE);
    BackupService service =
        new BackupService(
            config,
            unreachable,
            clock,
            new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    BackupService.Outcome outcome = service.runOnce();
    assertThat(outcome.ok()).isFalse();
    assertThat(store.list()).hasSize(5);
    assertThat(store.catalog().backups()).hasSize(5);
    try (Stream<Path> entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".partial"));
    }
  }

  @Test
  void aRunIsRefusedWhenTheDiskCannotHoldAnotherBackupTheSizeOfTheLast(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve(Catalog.FILE),
        "{\"event\":\"backup\",\"id\":\"20260901T033000Z\","
            + "\"finishedAt\":\"2026-09-01T03:30:00Z\",\"bytes\":"
            + (Long.MAX_VALUE / 4)
            + "}\n");
    BackupConfig config =
        new BackupConfig(
            dir, LocalTime.of(3, 30), ZONE, 7, 4, List.of(), Optional.empty(), "127.0.0.1", 0);
    DatabaseTarget unused =
        new DatabaseTarget("127.0.0.1", 1, "nowhere", "nobody", "", SslMode.DISABLE);
    BackupService.Outcome outcome =
        new BackupService(
                config,
                unused,
                new MutableClock(Instant.now()),
                new BackupMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
            .runOnce();
    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.message()).startsWith("not enough free space in " + dir);
  }

  private static void commitSyntheticBackup(BackupStore store, Instant at) throws Exception {
    String id = BackupRun.ID.format(at);
    Path partial = store.partial(id);
    Files.writeString(partial.resolve("database.dump"), "dump of " + id);
    Manifest m =
        new Manifest(
            1,
            id,
            at.toString(),
            at.toString(),
            "tracksolid",
            "15.0",
            150000,
            Map.of(),
            "pg_dump",
            "snap",
            Map.of(),
            Map.of(),
            List.of(new Manifest.BackupFile("database", "database.dump", 10, "00", "00", false)),
            true);
    store.commit(partial, m);
  }
}
