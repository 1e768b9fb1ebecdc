package io.fleet.ingest.poll;

import java.util.Locale;

/** The polled endpoint kinds; each has one checkpoint per account and one ingestion_log stream. */
public enum Endpoint {
  ALARMS,
  TRIPS,
  PARKING,
  DEVICES,
  POSITIONS;

  /** ingestion_log.stream and the metric tag, e.g. poll.trips. */
  public String stream() {
    return "poll." + key();
  }

  /** checkpoints.endpoint for scheduled runs, e.g. trips. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Backfill keeps its own progress so it never moves the scheduled checkpoint backwards. */
  public String backfillKey() {
    return "backfill:" + key();
  }

  /** The reconcile pass's progress, apart from the main checkpoint it trails. */
  public String reconcileKey() {
    return "reconcile:" + key();
  }

  public boolean windowed() {
    return this == ALARMS || this == TRIPS || this == PARKING;
  }

  public static Endpoint parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
