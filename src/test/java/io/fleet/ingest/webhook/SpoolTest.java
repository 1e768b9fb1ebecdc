package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @Test
  void survivesReopenSkipsATornTailAndRefusesBeyondItsLimit(@TempDir Path dir) throws Exception {
    Spool spool = new Spool(dir, 400);
    spool.open();
    assertThat(spool.append(new JsonObject().put("n", 1).put("text", "é"))).isTrue();
    assertThat(spool.append(new JsonObject().put("n", 2))).isTrue();
    spool.close();
    Path segment;
    try (var files = Files.list(dir)) {
      segment = files.filter(p -> p.getFileName().toString().startsWith("spool-")).findFirst().orElseThrow();
    }
    // A crash in the middle of a write leaves a partial line that was never acknowledged.
    Files.write(segment, "57 1a2b {\"n\":3,\"tex".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    Spool reopened = new Spool(dir, 400);
    reopened.open();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Spool(dir, 400).open())
        .hasMessageContaining("in use by another process");
    assertThat(reopened.requests()).isEqualTo(2);
    assertThat(reopened.bytes()).isEqualTo(Files.size(segment));
    Spool.Segment oldest = reopened.oldest().orElseThrow();
    assertThat(oldest.records()).extracting(r -> r.getInteger("n")).containsExactly(1, 2);
    assertThat(oldest.records().get(0).getString("text")).isEqualTo("é");

    String big = "x".repeat(340);
    assertThat(reopened.append(new JsonObject().put("big", big))).as("over the byte limit").isFalse();
    reopened.delete(oldest);
    assertThat(reopened.requests()).isZero();
    assertThat(reopened.append(new JsonObject().put("big", big))).isTrue();
    assertThat(reopened.oldest().orElseThrow().records()).hasSize(1);
  }
}
