package io.fleet.ingest.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One trip for tracksolid.trips, keyed on (imei, startTime), as the vendor mapping produces it; the
 * poll fills missing points and addresses before {@link TripWriter} stores it.
 */
public record TripRecord(
    String imei,
    Instant startTime,
    Instant endTime,
    String account,
    Double startLat,
    Double startLng,
    Double endLat,
    Double endLng,
    Double distanceM,
    Integer durationS,
    Double avgSpeedKmh,
    Double maxSpeedKmh,
    String startAddress,
    String endAddress,
    String sourceMethod,
    JsonObject raw) {

  public TripRecord withPoints(Double sLat, Double sLng, Double eLat, Double eLng) {
    return new TripRecord(
        imei,
        startTime,
        endTime,
        account,
        sLat,
        sLng,
        eLat,
        eLng,
        distanceM,
        durationS,
        avgSpeedKmh,
        maxSpeedKmh,
        startAddress,
        endAddress,
        sourceMethod,
        raw);
  }

  public TripRecord withAddresses(String start, String end) {
    return new TripRecord(
        imei,
        startTime,
        endTime,
        account,
        startLat,
        startLng,
        endLat,
        endLng,
        distanceM,
        durationS,
        avgSpeedKmh,
        maxSpeedKmh,
        start,
        end,
        sourceMethod,
        raw);
  }
}
