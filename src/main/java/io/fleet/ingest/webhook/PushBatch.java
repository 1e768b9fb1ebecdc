package io.fleet.ingest.webhook;

import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.RawPushMessage;
import java.util.ArrayList;
import java.util.List;

/** A request's items sorted by destination table; every item lands in exactly one list. */
record PushBatch(
    List<AlarmRecord> alarms,
    List<PositionRecord> positions,
    List<RawPushMessage> raw,
    List<QuarantineItem> quarantine) {

  static PushBatch empty() {
    return new PushBatch(
        new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }

  int accepted() {
    return alarms.size() + positions.size() + raw.size();
  }

  int size() {
    return accepted() + quarantine.size();
  }
}
