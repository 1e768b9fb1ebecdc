package io.fleet.ingest.poll;

import io.fleet.ingest.config.PollConfig;
import io.fleet.ingest.ingest.IngestRun;
import io.fleet.ingest.ingest.RowRules;
import io.fleet.ingest.ingest.TimestampGuard;
import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.store.RunKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The poll pipeline of one service, wired here once: the row rules and the one run transaction, the
 * slices of the windowed endpoints (alarms, trips, parking), the windowed poll that plans and runs
 * them, the device sync and the positions poll. {@link #run} is one scheduled run of an endpoint;
 * {@link #backfill} walks history through the same slices.
 */
public final class PollRunner {
  private final PollConfig config;
  private final Pool pool;
  private final PollReads reads;
  private final SliceRunner slices;
  private final WindowedPoll windowed;
  private final DeviceSync devices;
  private final PositionPoll positions;

  public PollRunner(
      Pool pool,
      Clock clock,
      PollConfig config,
      TimestampGuard guard,
      Optional<AddressLookup> geocoder,
      PollMetrics metrics,
      String instanceId) {
    this.config = config;
    this.pool = pool;
    RowRules rules = new RowRules(guard);
    IngestRun run = new IngestRun(pool, clock, metrics.ingest(), instanceId);
    RunFailure failure = new RunFailure(metrics, run);
    Enrichment enrichment = new Enrichment(pool, geocoder, config.geocodeWait());
    Map<Endpoint, SliceJob> jobs = new EnumMap<>(Endpoint.class);
    jobs.put(Endpoint.ALARMS, new AlarmSlice(rules));
    jobs.put(Endpoint.TRIPS, new TripSlice(rules, enrichment, clock));
    jobs.put(Endpoint.PARKING, new ParkingSlice(rules, enrichment, clock));
    this.reads = new PollReads(pool, config.lookback());
    this.slices = new SliceRunner(clock, metrics, run, failure, jobs);
    this.windowed = new WindowedPoll(config, clock, reads, slices, run);
    this.devices =
        new DeviceSync(pool, clock, config.disableMaxFraction(), rules, metrics, run, failure);
    this.positions = new PositionPoll(clock, rules, metrics, run, failure);
  }

  /**
   * One scheduled run of {@code endpoint} for the source's account. With a {@code fence}, every
   * commit first checks that this replica still holds the job's lease; {@code cancelled} stops a
   * windowed run between slices.
   */
  public Future<RunResult> run(
      FleetSource source, Endpoint endpoint, BooleanSupplier cancelled, Fence fence) {
    return switch (endpoint) {
      case DEVICES -> devices.run(source, RunKind.SCHEDULED, fence);
      case POSITIONS -> positions.run(source, fence);
      default -> windowed.run(source, endpoint, cancelled, fence);
    };
  }

  /** The backfill of history through the scheduled slices, with checkpoints of its own. */
  public Backfill backfill() {
    return new Backfill(config.slice(), pool, reads, slices, devices);
  }
}
