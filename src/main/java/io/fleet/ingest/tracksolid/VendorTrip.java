package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One trip, from {@code jimi.device.track.mileage} (distance in metres as documented; {@code
 * runTimeSecond} or {@code elapsed}) or from {@code jimi.open.platform.report.trips} type=list
 * {@code dayData} (totalMileage read as km and converted to metres: UNCONFIRMED unit). Natural key:
 * (imei, startTime). {@code sourceMethod} names the vendor method.
 */
public record VendorTrip(
    String imei,
    Instant startTime,
    Instant endTime,
    Double startLat,
    Double startLng,
    Double endLat,
    Double endLng,
    Double distanceM,
    Integer durationS,
    Double avgSpeedKmh,
    Double maxSpeedKmh,
    String sourceMethod,
    JsonObject raw) {

  public static final String MILEAGE = "jimi.device.track.mileage";
  public static final String REPORT = "jimi.open.platform.report.trips";

  public static VendorTrip fromMileage(JsonObject j) {
    return new VendorTrip(
        VendorAlarm.s(j, "imei"),
        Lenient.time(j, "startTime").orElse(null),
        Lenient.time(j, "endTime").orElse(null),
        d(j, "startLat"),
        d(j, "startLng"),
        d(j, "endLat"),
        d(j, "endLng"),
        d(j, "distance"),
        Lenient.integer(j, "runTimeSecond", "elapsed").orElse(null),
        d(j, "avgSpeed"),
        d(j, "maxSpeed"),
        MILEAGE,
        j);
  }

  public static VendorTrip fromReportDayData(JsonObject j, String imeiFallback) {
    Double km = d(j, "totalMileage");
    return new VendorTrip(
        Lenient.text(j, "imei").orElse(imeiFallback),
        Lenient.time(j, "startTime").orElse(null),
        Lenient.time(j, "endTime").orElse(null),
        d(j, "startLat"),
        d(j, "startLng"),
        d(j, "endLat"),
        d(j, "endLng"),
        km == null ? null : km * 1000.0,
        Lenient.integer(j, "travelTime").orElse(null),
        d(j, "averageSpeed"),
        d(j, "maxSpeed"),
        REPORT,
        j);
  }

  public String key() {
    return imei + "|" + startTime;
  }

  private static Double d(JsonObject j, String name) {
    return Lenient.decimal(j, name).orElse(null);
  }
}
