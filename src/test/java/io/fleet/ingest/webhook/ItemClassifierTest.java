package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.IngestConfig;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.support.MutableClock;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ItemClassifierTest {

  @Test
  void aReplayedPushIsGuardedAsOfItsReceiptNotTheReplay() {
    Instant received = Instant.parse("2024-05-02T00:00:00Z");
    // Replayed three hours later; the fix was 49h ahead of receipt (too far), 46h ahead of the
    // replay.
    MutableClock clock = new MutableClock(received.plus(Duration.ofHours(3)));
    ItemClassifier classifier =
        new ItemClassifier(new TimestampGuard(IngestConfig.defaults(), clock), 16);
    JsonArray items =
        new JsonArray()
            .add(Push.gps("500000000000001", "2024-05-04 01:00:00"))
            .add(Push.gps("500000000000002", "2024-05-03 23:00:00"));
    PushBatch batch = classifier.classify(new PushRequest("pushgps", "pushgps", items, received));
    assertThat(batch.positions()).extracting(p -> p.imei()).containsExactly("500000000000002");
    assertThat(batch.quarantine())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.reason()).isEqualTo(TimestampGuard.TOO_FAR_IN_FUTURE);
              assertThat(q.detail()).endsWith("after " + received);
            });
  }
}
