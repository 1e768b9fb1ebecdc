package io.fleet.ingest.backup;

import io.fleet.ingest.config.BackupConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.Pg15Cluster;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * One migrated, seeded source database per JVM on the PostgreSQL 15 cluster, and a login that holds
 * only tracksolid_backup: every backup in these tests runs as that login, so they also prove the
 * role can dump.
 */
public final class BackupFixture {
  static final String BACKUP_LOGIN = "drill_backup_login";
  private static DatabaseTarget source;

  private BackupFixture() {}

  public static void assumeCluster() {
    Assumptions.assumeTrue(
        Pg15Cluster.available(),
        "skipped: Debian postgresql-15 (pg_dump/pg_restore in "
            + Pg15Cluster.BIN
            + ") is not installed");
  }

  /** The source database as its superuser. */
  public static synchronized DatabaseTarget sourceAdmin() {
    if (source == null) {
      DatabaseTarget db = Pg15Cluster.fresh("drill_src");
      Migrator.migrate(db, Optional.empty(), Optional.empty());
      Pg15Cluster.exec(
          db,
          "INSERT INTO tracksolid.devices (imei, account, device_name, vehicle_number) SELECT '86000000000000' || i, "
              + "'acme', 'truck ' || i, 'KDA ' || i FROM generate_series(1, 3) i",
          "INSERT INTO tracksolid.alarms (imei, alarm_type, alarm_time, alarm_name, lat, lng, first_source) "
              + "SELECT '860000000000001', 'overspeed', timestamptz '2026-11-01 08:00Z' + i * interval '1 hour', "
              + "'Overspeed', -1.28, 36.81, 'poll' FROM generate_series(1, 5) i",
          "INSERT INTO tracksolid.trips (imei, start_time, end_time, account, distance_m, duration_s, max_speed_kmh) "
              + "SELECT '86000000000000' || (1 + i % 3), timestamptz '2026-11-01 06:00Z' + i * interval '1 day', "
              + "timestamptz '2026-11-01 07:00Z' + i * interval '1 day', 'acme', 1000 * i, 3600, 80 "
              + "FROM generate_series(1, 4) i",
          "INSERT INTO tracksolid.parking (imei, kind, start_time, end_time, account, duration_s, lat, lng) "
              + "SELECT '860000000000002', 'parking', timestamptz '2026-11-02 12:00Z' + i * interval '2 hours', "
              + "timestamptz '2026-11-02 12:30Z' + i * interval '2 hours', 'acme', 1800, -1.3, 36.8 "
              + "FROM generate_series(1, 2) i",
          "INSERT INTO tracksolid.position_history (imei, gps_time, lat, lng, speed_kmh, source) "
              + "SELECT '86000000000000' || (1 + i % 3), timestamptz '2026-11-01 00:00Z' + i * interval '1 minute', "
              + "-1.28 + i / 10000.0, 36.81, i % 90, 'poll' FROM generate_series(1, 50) i",
          "SELECT reporting.rebuild_rollups(date '2026-10-31', date '2026-11-06')",
          // Outside the backed-up schemas: lets a test hold pg_dump at a lock without holding the
          // count.
          "CREATE TABLE public.drill_blocker (id int)",
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
              + BACKUP_LOGIN
              + "') THEN "
              + "CREATE ROLE "
              + BACKUP_LOGIN
              + " LOGIN PASSWORD 'drill-backup-pw' IN ROLE tracksolid_backup; "
              + "END IF; END $$");
      source = db;
    }
    return source;
  }

  /** The source database as the backup login. */
  public static DatabaseTarget sourceAsBackupRole() {
    DatabaseTarget db = sourceAdmin();
    return new DatabaseTarget(
        db.host(), db.port(), db.database(), BACKUP_LOGIN, "drill-backup-pw", db.sslMode());
  }

  public static BackupConfig config(Path dir, List<String> recipients) {
    return new BackupConfig(
        dir,
        LocalTime.of(3, 30),
        ZoneOffset.UTC,
        7,
        4,
        recipients,
        Optional.of(Pg15Cluster.BIN),
        "127.0.0.1",
        0);
  }
}
