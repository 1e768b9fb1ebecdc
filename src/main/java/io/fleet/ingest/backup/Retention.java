package io.fleet.ingest.backup;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which backups to keep: the newest of each of the last {@code keepDaily} days that have one, then,
 * among older backups, the newest of each of the last {@code keepWeekly} ISO weeks. Days and weeks
 * are read in BACKUP_ZONE. Everything else is pruned.
 */
public record Retention(int keepDaily, int keepWeekly, ZoneId zone) {

  public record Backup(String id, Instant finishedAt) {}

  /** Kept id to why ("daily" or "weekly"), newest first. */
  public Map<String, String> keep(List<Backup> backups) {
    List<Backup> newestFirst = new ArrayList<>(backups);
    newestFirst.sort(Comparator.comparing(Backup::finishedAt).reversed());
    Map<String, String> kept = new LinkedHashMap<>();
    List<LocalDate> days = new ArrayList<>();
    Instant oldestDaily = null;
    for (Backup b : newestFirst) {
      LocalDate day = b.finishedAt().atZone(zone).toLocalDate();
      if (days.size() < keepDaily && !days.contains(day)) {
        days.add(day);
        kept.put(b.id(), "daily");
        oldestDaily = b.finishedAt();
      }
    }
    List<String> weeks = new ArrayList<>();
    for (Backup b : newestFirst) {
      if (oldestDaily != null && !b.finishedAt().isBefore(oldestDaily)) {
        continue;
      }
      LocalDate day = b.finishedAt().atZone(zone).toLocalDate();
      String week =
          day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      if (weeks.size() < keepWeekly && !weeks.contains(week)) {
        weeks.add(week);
        kept.put(b.id(), "weekly");
      }
    }
    return kept;
  }
}
