package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.ParkingRecord;
import io.vertx.core.json.JsonObject;

/**
 * One {@code jimi.open.platform.report.parking} row as the store's {@link ParkingRecord}; its kind
 * is the request's acc_type ("off" parking, "on" idling). The vendor's {@code addr} is kept as the
 * vendor address; the geocoded address is left to the poll.
 */
final class ParkingParser {
  private ParkingParser() {}

  static ParkingRecord parse(JsonObject row, ParkingRecord.Kind kind, String account) {
    return new ParkingRecord(
        Lenient.text(row, "imei").orElse(null),
        kind,
        Lenient.time(row, "startTime").orElse(null),
        Lenient.time(row, "endTime").orElse(null),
        account,
        Lenient.integer(row, "durSecond").orElse(null),
        Lenient.integer(row, "stopSecond").orElse(null),
        Lenient.decimal(row, "lat").orElse(null),
        Lenient.decimal(row, "lng").orElse(null),
        Lenient.text(row, "addr").orElse(null),
        null,
        row);
  }

  /** The natural key (imei, acc_type, start time) as text. */
  static String key(ParkingRecord stop) {
    return Piece.key(stop.raw(), stop.imei(), stop.kind().accType(), stop.startTime());
  }
}
