package io.fleet.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared writers against a real, migrated database, run as the least-privilege runtime role.
 */
class IngestWritersTest {
  static DatabaseTarget db;
  static Vertx vertx;
  static Pool pool;

  static RuntimePool runtime;

  @BeforeAll
  static void setUp() {
    runtime = RuntimePool.onFreshDatabase();
    db = runtime.db();
    vertx = runtime.vertx();
    pool = runtime.pool();
  }

  @AfterAll
  static void tearDown() {
    runtime.close();
  }

  static AlarmRecord alarm(String imei, String name, Double lat) {
    return new AlarmRecord(
        imei,
        "6",
        Instant.parse("2024-05-01T07:41:12Z"),
        name,
        null,
        null,
        lat,
        36.8,
        null,
        null,
        null,
        null,
        new JsonObject().put("imei", imei));
  }

  @Test
  void pushThenPollOfOneAlarmIsOneRowWithBothFlagsAndFilledFields() {
    AlarmWriter writer = new AlarmWriter();
    WriteResult push =
        Futures.get(
            pool.withTransaction(
                c ->
                    writer.write(
                        c,
                        List.of(alarm("111", null, -1.28), alarm("111", null, -1.28)),
                        Source.PUSH)),
            10);
    assertThat(push).isEqualTo(new WriteResult(1, 0, 1));
    WriteResult again =
        Futures.get(writer.write(pool, List.of(alarm("111", null, -1.28)), Source.PUSH), 10);
    assertThat(again).isEqualTo(new WriteResult(0, 0, 1));
    WriteResult poll =
        Futures.get(writer.write(pool, List.of(alarm("111", "Overspeed", -9.0)), Source.POLL), 10);
    assertThat(poll).isEqualTo(new WriteResult(0, 1, 0));

    Map<String, Object> row =
        Sql.one(
            db,
            "SELECT count(*) OVER () AS n, first_source, seen_by_push, seen_by_poll, "
                + "alarm_name, lat FROM tracksolid.alarms WHERE imei = '111'");
    assertThat(row)
        .containsEntry("n", 1L)
        .containsEntry("first_source", "push")
        .containsEntry("seen_by_push", true)
        .containsEntry("seen_by_poll", true)
        .containsEntry("alarm_name", "Overspeed")
        .containsEntry("lat", -1.28);
  }

  @Test
  void anAlarmWhosePointArrivesLaterIsBackfilledAgain() {
    AlarmWriter writer = new AlarmWriter();
    assertThat(Futures.get(writer.write(pool, List.of(alarm("333", null, null)), Source.PUSH), 10))
        .isEqualTo(new WriteResult(1, 0, 0));
    Sql.exec(db, "UPDATE tracksolid.alarms SET address_attempted_at = now() WHERE imei = '333'");
    assertThat(Futures.get(writer.write(pool, List.of(alarm("333", null, null)), Source.PUSH), 10))
        .isEqualTo(new WriteResult(0, 0, 1));
    assertThat(
            Sql.one(
                db,
                "SELECT address_attempted_at IS NOT NULL AS attempted FROM tracksolid.alarms"
                    + " WHERE imei = '333'"))
        .containsEntry("attempted", true);

    assertThat(Futures.get(writer.write(pool, List.of(alarm("333", null, -1.28)), Source.POLL), 10))
        .isEqualTo(new WriteResult(0, 1, 0));
    assertThat(
            Sql.one(
                db,
                "SELECT lat, address_attempted_at IS NOT NULL AS attempted FROM tracksolid.alarms"
                    + " WHERE imei = '333'"))
        .containsEntry("lat", -1.28)
        .containsEntry("attempted", false);
  }

  @Test
  void positionsUpsertOnImeiAndTime() {
    PositionWriter writer = new PositionWriter();
    PositionRecord p =
        new PositionRecord(
            "222",
            Instant.parse("2024-05-01T09:15:00Z"),
            -1.2864,
            36.8172,
            null,
            180,
            "GPS",
            false,
            11,
            Source.PUSH,
            new JsonObject());
    PositionRecord withSpeed =
        new PositionRecord(
            "222",
            Instant.parse("2024-05-01T09:15:00Z"),
            0.0,
            0.0,
            12.0,
            null,
            null,
            null,
            null,
            Source.POLL,
            null);
    assertThat(Futures.get(writer.write(pool, List.of(p)), 10)).isEqualTo(new WriteResult(1, 0, 0));
    assertThat(Futures.get(writer.write(pool, List.of(p)), 10)).isEqualTo(new WriteResult(0, 0, 1));
    assertThat(Futures.get(writer.write(pool, List.of(withSpeed)), 10))
        .isEqualTo(new WriteResult(0, 1, 0));
    assertThat(
            Sql.one(
                db,
                "SELECT lat, speed_kmh, source FROM tracksolid.position_history WHERE imei = '222'"))
        .containsEntry("lat", -1.2864)
        .containsEntry("speed_kmh", 12.0)
        .containsEntry("source", "push");
  }

  @Test
  void quarantineLandsOncePerStreamReasonAndItemWhateverTheKeyOrder() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    QuarantineWriter writer = new QuarantineWriter();
    JsonObject a = new JsonObject().put("deviceImei", "333").put("gpsTime", "1970-01-01 00:00:00");
    JsonObject sameReordered =
        new JsonObject().put("gpsTime", "1970-01-01 00:00:00").put("deviceImei", "333");
    QuarantineWriter.Result first =
        Futures.get(
            writer.write(
                pool,
                List.of(
                    new QuarantineItem("test.q", "before_epoch", "old", "333", a),
                    new QuarantineItem("test.q", "before_epoch", "old", "333", sameReordered),
                    new QuarantineItem(
                        "test.q", "bad_value", "nul", null, "text with \u0000 nul"))),
            10);
    assertThat(first.inserted()).isEqualTo(2);
    assertThat(first.duplicates()).isEqualTo(1);
    new IngestMetrics(registry).quarantined(first);
    assertThat(
            registry
                .get("tracksolid.quarantined")
                .tag("stream", "test.q")
                .tag("reason", "before_epoch")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            Futures.get(
                    writer.write(
                        pool, List.of(new QuarantineItem("test.q", "before_epoch", null, null, a))),
                    10)
                .inserted())
        .isZero();
    assertThat(Sql.count(db, "SELECT count(*) FROM tracksolid.quarantine WHERE stream = 'test.q'"))
        .isEqualTo(2);
  }

  @Test
  void rawPushMessagesAndIngestionLog() {
    PushMessageWriter writer = new PushMessageWriter();
    JsonObject hb = new JsonObject().put("deviceImei", "444").put("powerLevel", "5");
    PushMessageWriter.Stored stored =
        Futures.get(
            writer.write(
                pool,
                List.of(
                    new RawPushMessage("pushhb", "444", null, hb),
                    new RawPushMessage("pushevent", "444", null, hb))),
            10);
    assertThat(stored.result()).isEqualTo(new WriteResult(2, 0, 0));
    // The heartbeat without a time of its own was heard when it was stored; the event is none.
    assertThat(stored.heartbeats())
        .containsExactly(
            new DeviceContactWriter.DeviceContact("444", null, stored.receivedAt(), null));
    PushMessageWriter.Stored again =
        Futures.get(writer.write(pool, List.of(new RawPushMessage("pushhb", "444", null, hb))), 10);
    assertThat(again.result()).isEqualTo(new WriteResult(0, 0, 1));
    assertThat(again.heartbeats()).as("a re-delivered heartbeat tells nothing new").isEmpty();
    Instant t = Instant.parse("2024-05-01T00:00:00Z");
    long id =
        Futures.get(
            new IngestionLogWriter()
                .write(
                    pool,
                    new IngestionLogEntry(
                        "webhook.pushhb",
                        null,
                        RunKind.PUSH,
                        null,
                        null,
                        2,
                        2,
                        0,
                        0,
                        t,
                        t.plusMillis(15),
                        RunStatus.OK,
                        null,
                        "test")),
            10);
    assertThat(
            Sql.one(
                db,
                "SELECT stream, account, run_kind, duration_ms FROM tracksolid.ingestion_log WHERE id = "
                    + id))
        .containsEntry("stream", "webhook.pushhb")
        .containsEntry("account", "")
        .containsEntry("duration_ms", 15L);
  }

  @Test
  void nulInAnyTextColumnIsDroppedAndLongDetailIsCapped() {
    JsonObject item = new JsonObject().put("imei", "55\u00005").put("gpsTime", "2024\u0000-05-01");
    String longDetail = "cannot read time '" + "9".repeat(2000) + "'";
    QuarantineWriter.Result q =
        Futures.get(
            new QuarantineWriter()
                .write(
                    pool,
                    List.of(
                        new QuarantineItem(
                            "test.nul",
                            "unparseable\u0000_time",
                            "cannot read time '2024\u0000-05-01'",
                            "55\u00005",
                            item),
                        new QuarantineItem("test.nul", "long", longDetail, null, item))),
            10);
    assertThat(q.inserted()).isEqualTo(2);
    assertThat(
            Sql.one(
                db,
                "SELECT reason, detail, imei FROM tracksolid.quarantine WHERE stream = 'test.nul' "
                    + "AND reason <> 'long'"))
        .containsEntry("reason", "unparseable_time")
        .containsEntry("detail", "cannot read time '2024-05-01'")
        .containsEntry("imei", "555");
    assertThat(
            (String)
                Sql.one(
                        db,
                        "SELECT detail FROM tracksolid.quarantine WHERE stream = 'test.nul' "
                            + "AND reason = 'long'")
                    .get("detail"))
        .hasSize(500)
        .startsWith("cannot read time '999");

    assertThat(
            Futures.get(
                    new PushMessageWriter()
                        .write(
                            pool,
                            List.of(new RawPushMessage("push\u0000nul", "66\u00006", null, item))),
                    10)
                .result())
        .isEqualTo(new WriteResult(1, 0, 0));
    assertThat(
            Sql.one(db, "SELECT msg_type, imei FROM tracksolid.push_messages WHERE imei = '666'"))
        .containsEntry("msg_type", "pushnul");
    assertThat(
            Futures.get(
                    new AlarmWriter()
                        .write(
                            pool,
                            List.of(
                                new AlarmRecord(
                                    "77\u00007",
                                    "6\u0000",
                                    Instant.parse("2024-05-01T07:41:12Z"),
                                    "name\u0000",
                                    "dev\u0000",
                                    "acc\u0000",
                                    null,
                                    null,
                                    null,
                                    null,
                                    "geo\u0000",
                                    "addr\u0000",
                                    item)),
                            Source.PUSH),
                    10)
                .inserted())
        .isEqualTo(1);
    assertThat(
            Sql.one(
                db,
                "SELECT alarm_type, alarm_name, address FROM tracksolid.alarms WHERE imei = '777'"))
        .containsEntry("alarm_type", "6")
        .containsEntry("alarm_name", "name")
        .containsEntry("address", "addr");
    assertThat(
            Futures.get(
                    new PositionWriter()
                        .write(
                            pool,
                            List.of(
                                new PositionRecord(
                                    "88\u00008",
                                    Instant.parse("2024-05-01T09:15:00Z"),
                                    -1.2,
                                    36.8,
                                    null,
                                    null,
                                    "GPS\u0000",
                                    null,
                                    null,
                                    Source.PUSH,
                                    item))),
                    10)
                .inserted())
        .isEqualTo(1);
    assertThat(Sql.one(db, "SELECT pos_type FROM tracksolid.position_history WHERE imei = '888'"))
        .containsEntry("pos_type", "GPS");
  }
}
