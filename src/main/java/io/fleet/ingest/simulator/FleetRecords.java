package io.fleet.ingest.simulator;

import java.time.Instant;
import java.util.Optional;

/** The ground-truth items of the synthetic fleet; times are exact seconds, UTC. */
public final class FleetRecords {
  private FleetRecords() {}

  /**
   * A device: listed under {@code target} from {@code addedAt} until {@code removedAt} (null =
   * never), and under {@code movedTo} from {@code movedAt} on (null = never moves).
   */
  public record Device(
      String imei,
      String name,
      String model,
      String target,
      Instant addedAt,
      Instant removedAt,
      String movedTo,
      Instant movedAt) {

    /** The target listing this device at {@code at}, if any. */
    public Optional<String> targetAt(Instant at) {
      if (at.isBefore(addedAt) || (removedAt != null && !at.isBefore(removedAt))) {
        return Optional.empty();
      }
      return Optional.of(movedTo != null && !at.isBefore(movedAt) ? movedTo : target);
    }
  }

  /** Natural key (imei, alertTypeId, alertTime). */
  public record Alarm(
      String imei,
      String alertTypeId,
      String alertTypeName,
      Instant alertTime,
      double lat,
      double lng,
      double speedKmh) {}

  /** Natural key (imei, startTime); distance in metres. */
  public record Trip(
      String imei,
      Instant startTime,
      Instant endTime,
      double startLat,
      double startLng,
      double endLat,
      double endLng,
      double distanceM,
      int durationS,
      double avgSpeedKmh,
      double maxSpeedKmh) {}

  /** acc_type "off" = parking, "on" = idling. Natural key (imei, accType, startTime). */
  public record Stop(
      String imei, String accType, Instant startTime, Instant endTime, double lat, double lng) {
    public int durationS() {
      return (int) java.time.Duration.between(startTime, endTime).toSeconds();
    }
  }

  /** Natural key (imei, gpsTime). */
  public record Position(
      String imei,
      Instant gpsTime,
      double lat,
      double lng,
      double speedKmh,
      int direction,
      boolean accOn) {}
}
