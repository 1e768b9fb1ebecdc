package io.fleet.ingest.poll;

import io.fleet.ingest.store.AlarmRecord;
import io.fleet.ingest.store.DeviceRecord;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.store.PositionRecord;
import io.fleet.ingest.store.TripRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * What the pollers need from one Tracksolid account, as the store's records: the vendor mapping
 * produces the rows the writers take, parsed leniently. A time the vendor sent but that could not
 * be parsed is null and is quarantined rather than guessed; {@code raw} is kept whole. The
 * production implementation adapts the Tracksolid client (which cuts windows to the API's limits,
 * pages, retries and breaks circuits); tests and the benchmark may adapt the simulator directly.
 * Every call is made with no database connection held.
 */
public interface FleetSource {

  /**
   * The login account; ingestion_log and checkpoints are keyed on it, and every record carries it.
   */
  String account();

  /**
   * The accounts whose device lists make up this account's fleet (often just the account itself).
   */
  List<String> targets();

  Future<List<AlarmRecord>> alarms(List<String> imeis, Instant from, Instant to);

  Future<List<TripRecord>> trips(List<String> imeis, Instant from, Instant to);

  Future<List<ParkingRecord>> stops(
      List<String> imeis, ParkingRecord.Kind kind, Instant from, Instant to);

  Future<List<DeviceRecord>> devices(String target);

  /** Fixes with source POLL. */
  Future<List<PositionRecord>> latestPositions(String target);
}
