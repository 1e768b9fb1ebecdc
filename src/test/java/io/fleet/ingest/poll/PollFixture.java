package io.fleet.ingest.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.store.ParkingRecord;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestService;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/** Shared set-up and ground-truth comparisons for the poller tests. */
final class PollFixture {
  static final Duration LOOKBACK = Duration.ofDays(2);
  static final Duration SETTLE = Duration.ofMinutes(5);
  static final Duration OVERLAP = Duration.ofHours(1);
  // Longer than the fake fleet's longest parking (2 h 10 min).
  static final Duration STOPS_OVERLAP = Duration.ofHours(3);

  private PollFixture() {}

  static Map<String, String> env(DatabaseTarget db, String instance) {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("INSTANCE_ID", instance);
    env.put("POLL_INTERVAL_ALARMS", "PT0.05S");
    env.put("POLL_INTERVAL_TRIPS", "PT0.05S");
    env.put("POLL_INTERVAL_PARKING", "PT0.05S");
    env.put("POLL_INTERVAL_POSITIONS", "PT0.1S");
    env.put("POLL_INTERVAL_DEVICES", "PT0.1S");
    env.put("POLL_LOOKBACK", LOOKBACK.toString());
    env.put("POLL_SETTLE", SETTLE.toString());
    env.put("POLL_OVERLAP", OVERLAP.toString());
    env.put("POLL_OVERLAP_STOPS", STOPS_OVERLAP.toString());
    env.put("POLL_SLICE", "PT12H");
    env.put("POLL_LEASE_TTL", "PT30S");
    return env;
  }

  static RunningService start(Map<String, String> env, MutableClock clock, FleetSource... fleets) {
    return TestService.start(env, clock, ctx -> List.of(pollModule(ctx, List.of(fleets))));
  }

  /** Pollers alone: no geocoder, so polled rows keep no address. */
  static PollModule pollModule(io.fleet.ingest.app.ServiceContext ctx, List<FleetSource> fleets) {
    return new PollModule(
        ctx,
        fleets,
        java.util.Optional.empty(),
        new io.fleet.ingest.ops.IngestMetrics(ctx.registry()));
  }

  /**
   * Starts a replica whose pollers wait for {@code gate}. A replica's start-up migration re-asserts
   * ownership (ALTER ... OWNER) and can deadlock with another replica's running writes, so the
   * replicas are all up before any of them polls.
   */
  static RunningService startGated(
      Map<String, String> env,
      MutableClock clock,
      io.vertx.core.Future<Void> gate,
      FleetSource... fleets) {
    return startGated(env, clock, gate, clients -> List.of(fleets));
  }

  static RunningService startGated(
      Map<String, String> env,
      MutableClock clock,
      io.vertx.core.Future<Void> gate,
      java.util.function.Function<io.fleet.ingest.tracksolid.TracksolidClients, List<FleetSource>>
          sources) {
    // The client module goes first, as in production, so replicas may poll the simulator.
    return TestService.start(
        env,
        clock,
        ctx -> {
          var tracksolid = new io.fleet.ingest.tracksolid.TracksolidModule(ctx);
          PollModule inner = pollModule(ctx, sources.apply(tracksolid.clients()));
          io.fleet.ingest.app.ServiceModule gated =
              new io.fleet.ingest.app.ServiceModule() {
                @Override
                public String name() {
                  return "poll";
                }

                @Override
                public io.vertx.core.Future<Void> start() {
                  gate.onSuccess(v -> ctx.vertx().runOnContext(x -> inner.start()));
                  return io.vertx.core.Future.succeededFuture();
                }

                @Override
                public io.vertx.core.Future<Void> stop(Duration grace) {
                  return inner.stop(grace);
                }
              };
          return List.of(tracksolid, gated);
        });
  }

  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static Instant checkpoint(DatabaseTarget db, String account, String endpoint) {
    List<Map<String, Object>> rows =
        Sql.rows(
            db,
            "SELECT position FROM tracksolid.checkpoints WHERE account = '"
                + account
                + "' AND endpoint = '"
                + endpoint
                + "'");
    return rows.isEmpty() ? Instant.EPOCH : instant(rows.get(0).get("position"));
  }

  /**
   * Waits until the windowed checkpoints reach now − settle and cover all {@code devices} (a device
   * sync still failing under a storm would otherwise leave some devices for later).
   */
  static void awaitCaughtUp(DatabaseTarget db, String account, MutableClock clock, int devices) {
    Instant target = clock.instant().minus(SETTLE);
    for (String ep : List.of("alarms", "trips", "parking")) {
      await(
          ep + " checkpoint at " + target + " covering " + devices + " devices",
          () ->
              !checkpoint(db, account, ep).isBefore(target)
                  && Sql.count(
                          db,
                          "SELECT count(*) FROM "
                              + "tracksolid.checkpoints WHERE account = '"
                              + account
                              + "' AND endpoint = '"
                              + ep
                              + "' AND jsonb_array_length(state->'imeis') = "
                              + devices)
                      == 1);
    }
  }

  static Instant instant(Object v) {
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    return ((java.sql.Timestamp) v).toInstant();
  }

  static SortedSet<String> storedTrips(DatabaseTarget db, Instant from, Instant to) {
    TreeSet<String> out = new TreeSet<>();
    Sql.rows(
            db,
            "SELECT imei, start_time, end_time, distance_m FROM tracksolid.trips WHERE start_time >= '"
                + from
                + "' AND start_time < '"
                + to
                + "'")
        .forEach(
            r ->
                out.add(
                    r.get("imei")
                        + "|"
                        + instant(r.get("start_time"))
                        + "|"
                        + instant(r.get("end_time"))
                        + "|"
                        + r.get("distance_m")));
    return out;
  }

  static SortedSet<String> truthTrips(FakeFleet fleet, Instant from, Instant to) {
    TreeSet<String> out = new TreeSet<>();
    for (String imei : fleet.allImeis()) {
      fleet
          .tripsTruth(imei, from, to)
          .forEach(
              t ->
                  out.add(
                      t.imei() + "|" + t.startTime() + "|" + t.endTime() + "|" + t.distanceM()));
    }
    return out;
  }

  static SortedSet<String> storedStops(DatabaseTarget db, Instant from, Instant to) {
    TreeSet<String> out = new TreeSet<>();
    Sql.rows(
            db,
            "SELECT imei, kind, start_time, end_time FROM tracksolid.parking WHERE start_time >= '"
                + from
                + "' AND start_time < '"
                + to
                + "'")
        .forEach(
            r ->
                out.add(
                    r.get("imei")
                        + "|"
                        + r.get("kind")
                        + "|"
                        + instant(r.get("start_time"))
                        + "|"
                        + instant(r.get("end_time"))));
    return out;
  }

  static SortedSet<String> truthStops(FakeFleet fleet, Instant from, Instant to) {
    TreeSet<String> out = new TreeSet<>();
    for (String imei : fleet.allImeis()) {
      for (ParkingRecord.Kind kind : ParkingRecord.Kind.values()) {
        fleet
            .stopsTruth(imei, kind, from, to)
            .forEach(
                s ->
                    out.add(
                        s.imei() + "|" + kind.column() + "|" + s.startTime() + "|" + s.endTime()));
      }
    }
    return out;
  }

  static SortedSet<String> storedAlarms(DatabaseTarget db, Instant from, Instant to) {
    TreeSet<String> out = new TreeSet<>();
    Sql.rows(
            db,
            "SELECT imei, alarm_type, alarm_time FROM tracksolid.alarms WHERE alarm_time >= '"
                + from
                + "' AND alarm_time < '"
                + to
                + "'")
        .forEach(
            r ->
                out.add(
                    r.get("imei")
                        + "|"
                        + r.get("alarm_type")
                        + "|"
                        + instant(r.get("alarm_time"))));
    return out;
  }

  static SortedSet<String> truthAlarms(FakeFleet fleet, Instant from, Instant to) {
    TreeSet<String> out = new TreeSet<>();
    for (String imei : fleet.allImeis()) {
      fleet
          .alarmsTruth(imei, from, to)
          .forEach(a -> out.add(a.imei() + "|" + a.alarmType() + "|" + a.alarmTime()));
    }
    return out;
  }

  /**
   * Everything that has settled (before the last checkpoint less the overlap) equals the ground
   * truth exactly; nothing stored anywhere is outside the ground truth.
   */
  static void assertExact(
      DatabaseTarget db, FakeFleet fleet, Instant firstStart, MutableClock clock) {
    Instant settled = clock.instant().minus(SETTLE).minus(STOPS_OVERLAP);
    Instant from = firstStart.minus(STOPS_OVERLAP);
    Instant all = Instant.parse("2100-01-01T00:00:00Z");
    assertThat(storedTrips(db, from, settled))
        .isEqualTo(truthTrips(fleet, from, settled))
        .isNotEmpty();
    assertThat(truthTrips(fleet, from, clock.instant()))
        .containsAll(storedTrips(db, Instant.EPOCH, all));
    assertThat(storedStops(db, from, settled))
        .isEqualTo(truthStops(fleet, from, settled))
        .isNotEmpty();
    assertThat(truthStops(fleet, from, clock.instant()))
        .containsAll(storedStops(db, Instant.EPOCH, all));
    Instant alarmsFrom = firstStart.minus(OVERLAP);
    assertThat(storedAlarms(db, alarmsFrom, settled))
        .isEqualTo(truthAlarms(fleet, alarmsFrom, settled))
        .isNotEmpty();
    assertThat(truthAlarms(fleet, alarmsFrom, clock.instant()))
        .containsAll(storedAlarms(db, Instant.EPOCH, all));
    // Every stored row was inserted exactly once, by a logged run.
    for (String[] t :
        new String[][] {
          {"poll.trips", "trips"}, {"poll.parking", "parking"}, {"poll.alarms", "alarms"}
        }) {
      assertThat(
              Sql.count(
                  db,
                  "SELECT coalesce(sum(rows_inserted), 0) FROM tracksolid.ingestion_log WHERE stream = '"
                      + t[0]
                      + "'"))
          .as(t[0] + " inserts logged")
          .isEqualTo(Sql.count(db, "SELECT count(*) FROM tracksolid." + t[1]));
    }
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM tracksolid.ingestion_log WHERE rows_fetched < rows_inserted "
                    + "+ rows_updated + rows_rejected"))
        .isZero();
  }
}
