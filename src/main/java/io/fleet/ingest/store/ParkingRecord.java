package io.fleet.ingest.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One parking or idling period for tracksolid.parking, keyed on (imei, kind, startTime), as the
 * vendor mapping produces it; the poll fills a missing point and the address before {@link
 * ParkingWriter} stores it.
 */
public record ParkingRecord(
    String imei,
    Kind kind,
    Instant startTime,
    Instant endTime,
    String account,
    Integer durationS,
    Integer stopS,
    Double lat,
    Double lng,
    String vendorAddress,
    String address,
    JsonObject raw) {

  public enum Kind {
    PARKING("parking", "off"),
    IDLING("idling", "on");

    private final String column;
    private final String accType;

    Kind(String column, String accType) {
      this.column = column;
      this.accType = accType;
    }

    /** The value of tracksolid.parking.kind. */
    public String column() {
      return column;
    }

    /** The vendor's acc_type parameter. */
    public String accType() {
      return accType;
    }
  }

  public ParkingRecord withPoint(Double newLat, Double newLng) {
    return new ParkingRecord(
        imei,
        kind,
        startTime,
        endTime,
        account,
        durationS,
        stopS,
        newLat,
        newLng,
        vendorAddress,
        address,
        raw);
  }

  public ParkingRecord withAddress(String newAddress) {
    return new ParkingRecord(
        imei,
        kind,
        startTime,
        endTime,
        account,
        durationS,
        stopS,
        lat,
        lng,
        vendorAddress,
        newAddress,
        raw);
  }
}
