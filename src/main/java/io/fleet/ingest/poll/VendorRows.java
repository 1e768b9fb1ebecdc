package io.fleet.ingest.poll;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Rows as a poll receives them, already parsed leniently. A time the vendor sent but that could
 * not be parsed is null here and is quarantined rather than guessed. {@code raw} is kept whole.
 */
public final class VendorRows {
  private VendorRows() {
  }

  public enum StopKind {
    PARKING("parking", "off"), IDLING("idling", "on");

    private final String column;
    private final String accType;

    StopKind(String column, String accType) {
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

  public record Alarm(String imei, String alarmType, Instant alarmTime, String alarmName, String deviceName,
                      Double lat, Double lng, Double speedKmh, Instant positionTime, String geofenceId,
                      JsonObject raw) {
  }

  public record Trip(String imei, Instant startTime, Instant endTime, Double startLat, Double startLng,
                     Double endLat, Double endLng, Double distanceM, Integer durationS, Double avgSpeedKmh,
                     Double maxSpeedKmh, String sourceMethod, JsonObject raw) {
    public Trip withPoints(Double sLat, Double sLng, Double eLat, Double eLng) {
      return new Trip(imei, startTime, endTime, sLat, sLng, eLat, eLng, distanceM, durationS, avgSpeedKmh,
          maxSpeedKmh, sourceMethod, raw);
    }
  }

  public record Stop(String imei, StopKind kind, Instant startTime, Instant endTime, Integer durationS,
                     Integer stopS, Double lat, Double lng, String vendorAddress, JsonObject raw) {
    public Stop withPoint(Double newLat, Double newLng) {
      return new Stop(imei, kind, startTime, endTime, durationS, stopS, newLat, newLng, vendorAddress, raw);
    }
  }

  public record Device(String imei, String deviceName, String model, String sim, String vehicleName,
                       String vehicleNumber, String driverName, String driverPhone, String deviceGroupId,
                       String deviceGroup, Instant expiration, Instant activationTime, Boolean vendorEnabled,
                       JsonObject raw) {
  }

  public record Position(String imei, Instant gpsTime, Double lat, Double lng, Double speedKmh, Integer direction,
                         String posType, Boolean acc, Integer satellites, JsonObject raw) {
  }
}
