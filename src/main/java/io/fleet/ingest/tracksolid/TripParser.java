package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.TripRecord;
import io.vertx.core.json.JsonObject;

/**
 * One trip as the store's {@link TripRecord}, from {@code jimi.device.track.mileage} (distance in
 * metres as documented; {@code runTimeSecond} or {@code elapsed}) or from {@code
 * jimi.open.platform.report.trips} type=list {@code dayData} (totalMileage read as km and converted
 * to metres: UNCONFIRMED unit). {@code sourceMethod} names the vendor method; addresses are left to
 * the poll.
 */
final class TripParser {
  static final String MILEAGE = "jimi.device.track.mileage";
  static final String REPORT = "jimi.open.platform.report.trips";

  private TripParser() {}

  static TripRecord fromMileage(JsonObject item, String account) {
    return trip(
        item,
        Lenient.text(item, "imei").orElse(null),
        account,
        Lenient.decimal(item, "distance").orElse(null),
        Lenient.integer(item, "runTimeSecond", "elapsed").orElse(null),
        Lenient.decimal(item, "avgSpeed").orElse(null),
        MILEAGE);
  }

  /** A {@code dayData} item; its device's {@code imei} stands in when the item has none. */
  static TripRecord fromReportDayData(JsonObject item, String deviceImei, String account) {
    return trip(
        item,
        Lenient.text(item, "imei").orElse(deviceImei),
        account,
        Lenient.decimal(item, "totalMileage").map(km -> km * 1000.0).orElse(null),
        Lenient.integer(item, "travelTime").orElse(null),
        Lenient.decimal(item, "averageSpeed").orElse(null),
        REPORT);
  }

  /** The fields both methods spell alike, around those they spell their own way. */
  private static TripRecord trip(
      JsonObject item,
      String imei,
      String account,
      Double distanceM,
      Integer durationS,
      Double avgSpeedKmh,
      String method) {
    return new TripRecord(
        imei,
        Lenient.time(item, "startTime").orElse(null),
        Lenient.time(item, "endTime").orElse(null),
        account,
        Lenient.decimal(item, "startLat").orElse(null),
        Lenient.decimal(item, "startLng").orElse(null),
        Lenient.decimal(item, "endLat").orElse(null),
        Lenient.decimal(item, "endLng").orElse(null),
        distanceM,
        durationS,
        avgSpeedKmh,
        Lenient.decimal(item, "maxSpeed").orElse(null),
        null,
        null,
        method,
        item);
  }

  /** The natural key (imei, start time) as text. */
  static String key(TripRecord trip) {
    return Piece.key(trip.raw(), trip.imei(), trip.startTime());
  }
}
