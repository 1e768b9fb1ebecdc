package io.fleet.ingest.config;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The backup sidecar and the backup/restore commands. Read only by those commands (the service
 * itself never dumps), so a bad value stops the sidecar, not the ingest service.
 *
 * <p>BACKUP_AT defaults to 03:30 UTC: an hour after the purge (PURGE_AT 02:30), whose deletes a
 * dump would otherwise hold back, and clear of the hour mark where operators tend to schedule
 * TimescaleDB policy jobs, whose locks wait behind a dump's.
 */
public record BackupConfig(
    Path dir,
    LocalTime at,
    ZoneId zone,
    int keepDaily,
    int keepWeekly,
    List<String> ageRecipients,
    Optional<Path> pgBin,
    String httpHost,
    int httpPort) {

  public static final ConfigKey<String> BACKUP_DIR =
      ConfigKey.of(
          "BACKUP_DIR",
          "./data/backups",
          "Directory of the backups, their catalog.jsonl and the lock shared by backup and restore.",
          ValueParser.nonEmptyText());
  public static final ConfigKey<LocalTime> BACKUP_AT =
      ConfigKey.of(
          "BACKUP_AT",
          "03:30",
          "Time of day (HH:mm) of the nightly backup; keep it away from PURGE_AT and TimescaleDB policy jobs.",
          ValueParser.timeOfDay());
  public static final ConfigKey<ZoneId> BACKUP_ZONE =
      ConfigKey.of(
          "BACKUP_ZONE",
          "UTC",
          "Time zone BACKUP_AT and the daily/weekly retention are read in.",
          ValueParser.zone());
  public static final ConfigKey<Integer> BACKUP_KEEP_DAILY =
      ConfigKey.of(
          "BACKUP_KEEP_DAILY",
          "7",
          "Newest backups kept, one per day.",
          ValueParser.integer(1, 366));
  public static final ConfigKey<Integer> BACKUP_KEEP_WEEKLY =
      ConfigKey.of(
          "BACKUP_KEEP_WEEKLY",
          "4",
          "Older backups kept beyond the daily ones, one per ISO week.",
          ValueParser.integer(0, 520));
  public static final ConfigKey<List<String>> BACKUP_AGE_RECIPIENTS =
      ConfigKey.of(
          "BACKUP_AGE_RECIPIENTS",
          "",
          "Comma list of age public keys (age1...); set, every backup file is encrypted to them after verification.",
          BackupConfig::parseRecipients);
  public static final ConfigKey<String> BACKUP_PG_BIN =
      ConfigKey.of(
          "BACKUP_PG_BIN",
          "",
          "Directory holding pg_dump, pg_dumpall and pg_restore; empty finds them on PATH.",
          ValueParser.text());
  public static final ConfigKey<String> BACKUP_HTTP_HOST =
      ConfigKey.of(
          "BACKUP_HTTP_HOST",
          "127.0.0.1",
          "Address the backup sidecar's /health, /ready and /metrics bind to.",
          ValueParser.nonEmptyText());
  public static final ConfigKey<Integer> BACKUP_HTTP_PORT =
      ConfigKey.of(
          "BACKUP_HTTP_PORT",
          "8081",
          "Port of the backup sidecar's /health, /ready and /metrics; 0 picks a free port.",
          ValueParser.integer(0, 65535));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          BACKUP_DIR,
          BACKUP_AT,
          BACKUP_ZONE,
          BACKUP_KEEP_DAILY,
          BACKUP_KEEP_WEEKLY,
          BACKUP_AGE_RECIPIENTS,
          BACKUP_PG_BIN,
          BACKUP_HTTP_HOST,
          BACKUP_HTTP_PORT);

  public static BackupConfig from(ConfigSource source) {
    String bin = source.get(BACKUP_PG_BIN).trim();
    return new BackupConfig(
        Path.of(source.get(BACKUP_DIR)),
        source.get(BACKUP_AT),
        source.get(BACKUP_ZONE),
        source.get(BACKUP_KEEP_DAILY),
        source.get(BACKUP_KEEP_WEEKLY),
        source.get(BACKUP_AGE_RECIPIENTS),
        bin.isEmpty() ? Optional.empty() : Optional.of(Path.of(bin)),
        source.get(BACKUP_HTTP_HOST),
        source.get(BACKUP_HTTP_PORT));
  }

  static List<String> parseRecipients(String raw) {
    List<String> keys = ValueParser.list().parse(raw);
    for (String key : keys) {
      if (!key.matches("age1[02-9ac-hj-np-z]{58}")) {
        throw new IllegalArgumentException(
            "'" + key + "' is not an age public key (age1 followed by 58 characters)");
      }
    }
    return keys;
  }
}
