package io.fleet.ingest.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.config.IngestConfig;
import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.Source;
import io.fleet.ingest.store.TripRecord;
import io.fleet.ingest.support.MutableClock;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule of {@link RowRules}, on the records every path builds. */
class RowRulesTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  final RowRules rules =
      new RowRules(new TimestampGuard(IngestConfig.defaults(), new MutableClock(NOW)));
  static final String IMEI = "868120145233604";
  static final Instant T = Instant.parse("2026-03-01T10:00:00.123456789Z");

  @Test
  void keysThatCannotBeStoredAreRefusedWithOneReasonEach() {
    assertThat(reason(rules.alarm(alarm(null, "6", T), NOW))).isEqualTo(Reason.MISSING_IMEI);
    assertThat(reason(rules.alarm(alarm("x".repeat(33), "6", T), NOW)))
        .isEqualTo(Reason.INVALID_IMEI);
    assertThat(reason(rules.alarm(alarm("86812\u00e9", "6", T), NOW)))
        .isEqualTo(Reason.INVALID_IMEI);
    assertThat(reason(rules.alarm(alarm("868120,145233604", "6", T), NOW)))
        .isEqualTo(Reason.INVALID_IMEI);
    assertThat(reason(rules.alarm(alarm("8681 2014", "6", T), NOW))).isEqualTo(Reason.INVALID_IMEI);
    assertThat(rules.alarm(alarm("TS-100_2.a", "6", T), NOW)).isInstanceOf(Verdict.Accepted.class);
    assertThat(reason(rules.alarm(alarm(IMEI, " ", T), NOW))).isEqualTo(Reason.MISSING_ALARM_TYPE);
    assertThat(reason(rules.alarm(alarm(IMEI, "a".repeat(65), T), NOW)))
        .isEqualTo(Reason.INVALID_ALARM_TYPE);
    assertThat(reason(rules.alarm(alarm(IMEI, "S\uD800", T), NOW)))
        .isEqualTo(Reason.INVALID_ALARM_TYPE);
    assertThat(reason(rules.alarm(alarm(IMEI, "6", Instant.parse("1970-01-01T00:00:00Z")), NOW)))
        .isEqualTo(Reason.BEFORE_EPOCH);
    assertThat(reason(rules.alarm(alarm(IMEI, "6", NOW.plusSeconds(49 * 3600)), NOW)))
        .isEqualTo(Reason.TOO_FAR_IN_FUTURE);
    // A missing time and one the vendor sent but nobody can read are told apart by the raw item.
    assertThat(reason(rules.alarm(alarm(IMEI, "6", null), NOW))).isEqualTo(Reason.MISSING_TIME);
    AlarmRecord unreadable =
        new AlarmRecord(
            IMEI,
            "6",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new JsonObject().put("alertTime", "yesterday"));
    assertThat(reason(rules.alarm(unreadable, NOW))).isEqualTo(Reason.UNPARSEABLE_TIME);
    // The invalid id is what is wrong: it is not repeated in the quarantine's imei column.
    assertThat(
            ((Verdict.Refused<AlarmRecord>) rules.alarm(alarm("y".repeat(40), "6", T), NOW)).imei())
        .isNull();
  }

  @Test
  void aFixIsItsPositionAndIsRefusedWithoutUsableCoordinates() {
    for (Double[] p :
        new Double[][] {{null, 36.8}, {91.0, 36.8}, {-1.3, 181.0}, {0.0, 0.0}, {Double.NaN, 1.0}}) {
      assertThat(reason(rules.position(fix(p[0], p[1], 40.0, 90), NOW)))
          .isEqualTo(Reason.BAD_COORDINATES);
    }
    Verdict.Accepted<PositionRecord> ok = accepted(rules.position(fix(-1.3, 36.8, 1e9, 400), NOW));
    assertThat(ok.row().speedKmh()).isNull();
    assertThat(ok.row().direction()).isNull();
    assertThat(ok.row().gpsTime()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
    assertThat(ok.cleared())
        .containsExactly("position_history.speed_kmh", "position_history.direction");
  }

  @Test
  void implausibleValuesOfASoundRowAreEmptiedAndNamed() {
    TripRecord trip =
        new TripRecord(
            IMEI,
            T,
            T.minusSeconds(60),
            "acme",
            0.0,
            0.0,
            -1.3,
            36.8,
            -5.0,
            40 * 366 * 86400,
            30.0,
            2e6,
            "x".repeat(600),
            "Main road\0",
            "report.trips",
            new JsonObject());
    Verdict.Accepted<TripRecord> t = accepted(rules.trip(trip, NOW));
    assertThat(t.row().endTime()).isNull();
    assertThat(t.row().startLat()).isNull();
    assertThat(t.row().startLng()).isNull();
    assertThat(t.row().endLat()).isEqualTo(-1.3);
    assertThat(t.row().distanceM()).isNull();
    assertThat(t.row().durationS()).isNull();
    assertThat(t.row().avgSpeedKmh()).isEqualTo(30.0);
    assertThat(t.row().maxSpeedKmh()).isNull();
    assertThat(t.row().startAddress()).hasSize(RowRules.MAX_TEXT);
    assertThat(t.row().endAddress()).isEqualTo("Main road");
    assertThat(t.cleared())
        .containsExactly(
            "trips.start_lat",
            "trips.end_time",
            "trips.distance_m",
            "trips.duration_s",
            "trips.max_speed_kmh",
            "trips.start_address(capped)");

    ParkingRecord stop =
        new ParkingRecord(
            IMEI,
            ParkingRecord.Kind.IDLING,
            T,
            T.plusSeconds(600),
            "acme",
            -1,
            600,
            -1.3,
            36.8,
            "a\uDC00b",
            null,
            new JsonObject());
    Verdict.Accepted<ParkingRecord> s = accepted(rules.parking(stop, NOW));
    assertThat(s.row().durationS()).isNull();
    assertThat(s.row().stopS()).isEqualTo(600);
    assertThat(s.row().vendorAddress()).isEqualTo("a\uFFFDb");
    assertThat(s.cleared()).containsExactly("parking.duration_s");
  }

  @Test
  void devicesKeepTheirTextCleanAndTheirDatesPlausible() {
    DeviceRecord d =
        new DeviceRecord(
            IMEI,
            "acme",
            "van\0 1",
            null,
            null,
            null,
            "KDA 1\uD83D\uDE9A",
            null,
            null,
            null,
            null,
            Instant.parse("2300-01-01T00:00:00Z"),
            Instant.parse("2024-01-01T00:00:00Z"),
            true,
            new JsonObject());
    Verdict.Accepted<DeviceRecord> ok = accepted(rules.device(d, NOW));
    assertThat(ok.row().deviceName()).isEqualTo("van 1");
    assertThat(ok.row().vehicleNumber()).isEqualTo("KDA 1\uD83D\uDE9A");
    assertThat(ok.row().expiration()).isNull();
    assertThat(ok.row().activationTime()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(ok.cleared()).containsExactly("devices.expiration");
  }

  @Test
  void judgingABatchSplitsItAndCountsWhatWasEmptied() {
    List<AlarmRecord> rows =
        List.of(
            alarm(IMEI, "6", T),
            alarm(IMEI, "z".repeat(9000), T),
            new AlarmRecord(
                IMEI,
                "7",
                T,
                null,
                null,
                null,
                95.0,
                36.0,
                null,
                null,
                null,
                null,
                new JsonObject()));
    Judged<AlarmRecord> j = rules.judge("poll.alarms", rows, NOW, rules::alarm, AlarmRecord::raw);
    assertThat(j.accepted()).extracting(AlarmRecord::alarmType).containsExactly("6", "7");
    assertThat(j.rejected())
        .singleElement()
        .extracting(QuarantineItem::reason)
        .isEqualTo("invalid_alarm_type");
    assertThat(j.detail().encode()).isEqualTo("{\"cleared\":{\"alarms.lat\":1}}");
  }

  private static Reason reason(Verdict<?> v) {
    assertThat(v).isInstanceOf(Verdict.Refused.class);
    return ((Verdict.Refused<?>) v).reason();
  }

  private static <T> Verdict.Accepted<T> accepted(Verdict<T> v) {
    assertThat(v).isInstanceOf(Verdict.Accepted.class);
    return (Verdict.Accepted<T>) v;
  }

  private static AlarmRecord alarm(String imei, String type, Instant at) {
    return new AlarmRecord(
        imei, type, at, "SOS", null, null, -1.3, 36.8, 10.0, at, null, null, new JsonObject());
  }

  private static PositionRecord fix(Double lat, Double lng, Double speed, Integer direction) {
    return new PositionRecord(
        IMEI, T, lat, lng, speed, direction, "GPS", true, 9, Source.POLL, new JsonObject());
  }
}
