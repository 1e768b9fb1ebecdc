package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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
      segment =
          files
              .filter(p -> p.getFileName().toString().startsWith("spool-"))
              .findFirst()
              .orElseThrow();
    }
    // A crash in the middle of a write leaves a partial line that was never acknowledged.
    Files.write(
        segment,
        "57 1a2b {\"n\":3,\"tex".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

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
    assertThat(reopened.append(new JsonObject().put("big", big)))
        .as("over the byte limit")
        .isFalse();
    reopened.delete(oldest);
    assertThat(reopened.requests()).isZero();
    assertThat(dir.resolve(segment.getFileName() + ".corrupt"))
        .as("a torn tail is not corruption")
        .doesNotExist();
    assertThat(reopened.append(new JsonObject().put("big", big))).isTrue();
    assertThat(reopened.oldest().orElseThrow().records()).hasSize(1);
  }

  @Test
  void aWriteThatFailsPartWayLeavesNothingBehindForTheNextRecord(@TempDir Path dir)
      throws Exception {
    AtomicBoolean diskFull = new AtomicBoolean();
    Spool spool =
        new Spool(
            dir,
            1 << 20,
            path ->
                new FailingChannel(
                    FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    diskFull));
    spool.open();
    assertThat(spool.append(new JsonObject().put("n", 1))).isTrue();
    diskFull.set(true);
    assertThatThrownBy(() -> spool.append(new JsonObject().put("n", 2).put("pad", "y".repeat(200))))
        .isInstanceOf(IOException.class);
    diskFull.set(false);
    assertThat(spool.append(new JsonObject().put("n", 3))).isTrue();
    assertThat(spool.requests()).isEqualTo(2);

    Spool.Segment oldest = spool.oldest().orElseThrow();
    assertThat(oldest.records())
        .as("the acknowledged record after the failure is intact")
        .extracting(r -> r.getInteger("n"))
        .containsExactly(1, 3);
    assertThat(oldest.corrupt()).isFalse();
    spool.delete(oldest);
    assertThat(spool.requests()).as("the spool disengages once replayed").isZero();
    assertThat(spool.bytes()).isZero();
    assertThat(spool.isEmpty()).isTrue();
    spool.close();
  }

  @Test
  void aCorruptRecordInTheMiddleIsReportedAndItsSegmentKeptAside(@TempDir Path dir)
      throws Exception {
    Spool spool = new Spool(dir, 1 << 20);
    spool.open();
    for (int n = 1; n <= 3; n++) {
      assertThat(spool.append(new JsonObject().put("n", n).put("text", "record-" + n))).isTrue();
    }
    spool.close();
    Path segment;
    try (var files = Files.list(dir)) {
      segment =
          files
              .filter(p -> p.getFileName().toString().startsWith("spool-"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int offset = text.indexOf('\n') + 1;
    int damaged = text.indexOf("record-2");
    bytes[damaged] = 'R'; // bit rot in the second, acknowledged record
    Files.write(segment, bytes);

    Logger logger = (Logger) LoggerFactory.getLogger(Spool.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      Spool reopened = new Spool(dir, 1 << 20);
      reopened.open();
      Spool.Segment oldest = reopened.oldest().orElseThrow();
      assertThat(oldest.records()).extracting(r -> r.getInteger("n")).containsExactly(1, 3);
      assertThat(oldest.corruptOffsets()).containsExactly((long) offset);
      reopened.delete(oldest);
      assertThat(segment).doesNotExist();
      assertThat(dir.resolve(segment.getFileName() + ".corrupt")).exists().hasBinaryContent(bytes);
      assertThat(reopened.requests()).isZero();
      assertThat(logs.list)
          .anySatisfy(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage())
                    .contains(segment.getFileName().toString())
                    .contains("[" + offset + "]");
              });
      reopened.close();
      // A later segment never takes the number of one moved aside.
      Spool again = new Spool(dir, 1 << 20);
      again.open();
      again.append(new JsonObject().put("n", 4));
      again.close();
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")))
            .singleElement()
            .isNotEqualTo(segment.getFileName().toString());
      }
    } finally {
      logger.detachAppender(logs);
    }
  }
}
