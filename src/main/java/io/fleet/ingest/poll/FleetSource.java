package io.fleet.ingest.poll;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * What the pollers need from one Tracksolid account, in their own terms. The production
 * implementation adapts the Tracksolid client (which cuts windows to the API's limits, pages,
 * retries and breaks circuits); tests and the benchmark may adapt the simulator directly.
 * Every call is made with no database connection held.
 */
public interface FleetSource {

  /** The login account; ingestion_log and checkpoints are keyed on it. */
  String account();

  /** The accounts whose device lists make up this account's fleet (often just the account itself). */
  List<String> targets();

  Future<List<VendorRows.Alarm>> alarms(List<String> imeis, Instant from, Instant to);

  Future<List<VendorRows.Trip>> trips(List<String> imeis, Instant from, Instant to);

  Future<List<VendorRows.Stop>> stops(List<String> imeis, VendorRows.StopKind kind, Instant from, Instant to);

  Future<List<VendorRows.Device>> devices(String target);

  Future<List<VendorRows.Position>> latestPositions(String target);
}
