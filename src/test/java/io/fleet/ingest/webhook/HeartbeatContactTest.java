package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.config.IngestConfig;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.support.RuntimePool;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService.Futures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pushed heartbeat's contact is written by the webhook's own run, in the transaction that stores
 * the heartbeat in push_messages: committed together, rolled back together, and no trigger on the
 * way.
 */
class HeartbeatContactTest {
  private static final DateTimeFormatter GATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  static RuntimePool rt;
  static PushIngestor ingestor;

  @BeforeAll
  static void setUp() {
    rt = RuntimePool.onFreshDatabase();
    Clock clock = Clock.systemUTC();
    ingestor =
        new PushIngestor(
            rt.pool(),
            clock,
            new ItemClassifier(new TimestampGuard(IngestConfig.defaults(), clock), 16),
            "test",
            new IngestMetrics(new SimpleMeterRegistry()));
  }

  @AfterAll
  static void tearDown() {
    rt.close();
  }

  private static PushRequest heartbeat(String path, String msgType, JsonObject item) {
    return new PushRequest(path, msgType, new JsonArray().add(item), Instant.now());
  }

  @Test
  void aPushedHeartbeatUpdatesDeviceStateInTheCommitThatStoresIt() {
    DatabaseTarget db = rt.db();
    Instant gate = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
    Futures.get(
        ingestor.ingest(
            heartbeat(
                "pushhb",
                "pushhb",
                new JsonObject()
                    .put("deviceImei", "861000000000001")
                    .put("gateTime", GATE.format(gate)))),
        10);
    Map<String, Object> state =
        Sql.one(
            db,
            "SELECT s.last_heartbeat_at = '"
                + gate
                + "'::timestamptz AS heard, s.last_contact_source, s.last_fix_at IS NULL AS no_fix,"
                + " s.xmin::text = p.xmin::text AS same_commit, s.updated_at = p.received_at AS as_stored"
                + " FROM tracksolid.device_state s JOIN tracksolid.push_messages p ON p.imei = s.imei"
                + " WHERE s.imei = '861000000000001'");
    assertThat(state)
        .containsEntry("heard", true)
        .containsEntry("last_contact_source", "push_heartbeat")
        .containsEntry("no_fix", true)
        .containsEntry("same_commit", true)
        .containsEntry("as_stored", true);

    // An OpenAPI-style heartbeat without a time of its own was heard when it was stored.
    Futures.get(
        ingestor.ingest(
            heartbeat(
                "push",
                "jimi.push.device.heartbeat",
                new JsonObject().put("imei", "861000000000002").put("powerLevel", "5"))),
        10);
    assertThat(
            Sql.one(
                db,
                "SELECT s.last_heartbeat_at = p.received_at AS at_receipt FROM tracksolid.device_state s"
                    + " JOIN tracksolid.push_messages p ON p.imei = s.imei WHERE s.imei = '861000000000002'"))
        .containsEntry("at_receipt", true);

    // Other untyped pushes are no contact.
    Futures.get(
        ingestor.ingest(
            heartbeat(
                "pushevent", "pushevent", new JsonObject().put("deviceImei", "861000000000003"))),
        10);
    assertThat(
            Sql.count(
                db, "SELECT count(*) FROM tracksolid.device_state WHERE imei = '861000000000003'"))
        .isZero();
  }

  @Test
  void aRolledBackRequestLeavesNoContact() {
    PushRequest request =
        heartbeat(
            "pushhb",
            "pushhb",
            new JsonObject()
                .put("deviceImei", "861000000000009")
                .put("gateTime", GATE.format(Instant.now().minus(Duration.ofMinutes(1)))));
    assertThatThrownBy(
            () ->
                Futures.get(
                    ingestor.ingest(
                        request, conn -> Future.failedFuture(new IllegalStateException("abort"))),
                    10))
        .hasStackTraceContaining("abort");
    assertThat(
            Sql.count(
                rt.db(),
                "SELECT (SELECT count(*) FROM tracksolid.push_messages WHERE imei = '861000000000009')"
                    + " + (SELECT count(*) FROM tracksolid.device_state WHERE imei = '861000000000009')"))
        .isZero();
  }

  @Test
  void noTriggerWritesThePushOrDeviceTables() {
    assertThat(
            Sql.rows(
                rt.db(),
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    + " WHERE NOT t.tgisinternal AND c.relnamespace = 'tracksolid'::regnamespace"
                    + " AND c.relname IN ('push_messages', 'devices', 'device_state', 'device_assignments')"))
        .isEmpty();
    assertThat(
            Sql.rows(
                rt.db(),
                "SELECT p.oid::regprocedure::text AS fn FROM pg_proc p"
                    + " WHERE p.pronamespace IN ('tracksolid'::regnamespace, 'reporting'::regnamespace)"
                    + " AND p.prorettype = 'trigger'::regtype"))
        .as("no trigger function is left in the two schemas")
        .isEmpty();
  }
}
