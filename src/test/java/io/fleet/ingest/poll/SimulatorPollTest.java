package io.fleet.ingest.poll;

import static io.fleet.ingest.poll.PollFixture.await;
import static io.fleet.ingest.poll.PollFixture.checkpoint;
import static io.fleet.ingest.poll.PollFixture.instant;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.app.ServiceContext;
import io.fleet.ingest.app.ServiceModule;
import io.fleet.ingest.cli.Modules;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.ingest.Counts;
import io.fleet.ingest.simulator.DemoEnvironment;
import io.fleet.ingest.simulator.Fault;
import io.fleet.ingest.simulator.SimulatorOptions;
import io.fleet.ingest.simulator.SimulatorServer;
import io.fleet.ingest.simulator.SyntheticFleet;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.MutableClock;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.fleet.ingest.support.TestService.Futures;
import io.fleet.ingest.tracksolid.TracksolidClients;
import io.fleet.ingest.tracksolid.TracksolidModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole chain as deployed: poll verticles → Tracksolid client (signing, limits, paging,
 * retries) → the project's simulator over HTTP → real PostgreSQL, checked against the simulator's
 * ground truth.
 */
class SimulatorPollTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  Vertx simVertx;
  SimulatorServer sim;
  MutableClock clock;

  @BeforeEach
  void simulator() {
    clock = new MutableClock(NOW);
    simVertx = Vertx.vertx();
    SimulatorOptions options =
        SimulatorOptions.defaults(clock).withFleet(7L, 5, 40, NOW.minus(Duration.ofDays(36)));
    sim = Futures.get(SimulatorServer.start(simVertx, options), 20);
  }

  @AfterEach
  void close() {
    Futures.get(simVertx.close(), 20);
  }

  private Map<String, String> env(DatabaseTarget db) {
    Map<String, String> env = PollFixture.env(db, "sim");
    env.put("POLL_LOOKBACK", "P3D");
    env.put("POLL_OVERLAP_STOPS", "P1D");
    env.put("POLL_SLICE", "P1D");
    env.put("TRACKSOLID_RETRY_ATTEMPTS", "4");
    env.put("TRACKSOLID_RETRY_BASE_DELAY", "PT0.001S");
    env.put("TRACKSOLID_RETRY_MAX_DELAY", "PT0.005S");
    // The breaker is on as deployed (TRACKSOLID_BREAKER_THRESHOLD 5, open for 60 s on the held
    // clock): tests whose storms may open it wait with awaitCaughtUpThroughTheBreaker.
    return DemoEnvironment.overlay(env, sim);
  }

  @Test
  void scheduledPollsThroughRateLimitAndServerErrorStormsMatchGroundTruth() {
    DatabaseTarget db = TestDatabases.fresh();
    var faults = sim.tracksolid().faults();
    faults.inject("jimi.device.track.mileage", Fault.vendorCode("1006"), 12);
    faults.inject("jimi.open.platform.report.parking", Fault.http(503), 12);
    faults.inject("jimi.device.alarm.list", Fault.garbageTimestamps(), 1);
    RunningService service = TestService.start(env(db), clock);
    try {
      awaitCaughtUpThroughTheBreaker(db, service);
      clock.advance(Duration.ofHours(7));
      faults.inject("jimi.device.track.mileage", Fault.vendorCode("1006"), 12);
      awaitCaughtUpThroughTheBreaker(db, service);
      Instant from = NOW.minus(Duration.ofDays(3));
      Instant settled = clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1));
      assertMatchesGroundTruth(db, from, settled);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE status = 'error' "
                      + "AND stream IN ('poll.trips', 'poll.parking')"))
          .as("storms outlasted the client's retries")
          .isPositive();
      assertThat(
              Sql.rows(
                  db,
                  "SELECT DISTINCT reason FROM tracksolid.quarantine WHERE stream = 'poll.alarms'"))
          .isNotEmpty();
      assertThat(
              Sql.count(
                  db, "SELECT count(*) FROM tracksolid.alarms WHERE alarm_time < '2020-01-01'"))
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void anAccountSetToTheTripsReportGetsItsTripsFromIt() {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = env(db);
    env.put("TRACKSOLID_TRIPS_METHOD", "report");
    RunningService service = TestService.start(env, clock);
    try {
      awaitCaughtUp(db);
      assertThat(sim.tracksolid().calls("jimi.open.platform.report.trips")).isPositive();
      assertThat(sim.tracksolid().calls("jimi.device.track.mileage")).isZero();
      Instant settled = clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1));
      assertMatchesGroundTruth(db, NOW.minus(Duration.ofDays(3)), settled);
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aMonthOfBackfillLandsExactlyAndAResumedBackfillDoesNotRepeatWork() {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> env = env(db);
    env.put("POLL_ENABLED", "false");
    RunningService service = TestService.start(env, clock);
    try {
      Instant from = NOW.minus(Duration.ofDays(31));
      Instant to = NOW.minus(Duration.ofDays(1));
      var sources =
          TracksolidFleetSource.all(TestService.module(service, TracksolidModule.class).clients());
      List<Endpoint> endpoints = List.of(Endpoint.ALARMS, Endpoint.TRIPS, Endpoint.PARKING);
      Backfill backfill = TestService.module(service, PollModule.class).runner().backfill();

      // Interrupted after 40 of the 90 slices (Ctrl-C in the CLI sets the same flag).
      Counting first = new Counting();
      Futures.get(
          backfill.run(sources, endpoints, from, to, first, () -> first.done.get() >= 40), 60);
      assertThat(first.done.get()).isEqualTo(40);

      long mileageCalls = sim.tracksolid().calls("jimi.device.track.mileage");
      Counting second = new Counting();
      Futures.get(backfill.run(sources, endpoints, from, to, second, () -> false), 60);
      assertThat(second.alreadyDone.get()).isEqualTo(40);
      assertThat(second.done.get()).isEqualTo(50);
      assertMatchesGroundTruth(db, from, to);

      long afterResume = sim.tracksolid().calls("jimi.device.track.mileage");
      assertThat(afterResume - mileageCalls).as("trip slices not repeated").isLessThan(30);
      Counting third = new Counting();
      Futures.get(backfill.run(sources, endpoints, from, to, third, () -> false), 60);
      assertThat(third.done.get()).isZero();
      assertThat(sim.tracksolid().calls("jimi.device.track.mileage")).isEqualTo(afterResume);
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE run_kind = 'backfill'"
                      + " AND stream IN ('poll.alarms', 'poll.trips', 'poll.parking')"))
          .isEqualTo(90);
      // Pollers are off: everything the backfill logged, its device sync included, is marked as
      // backfill,
      // so /health/ingest never mistakes it for scheduled polling.
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE run_kind <> 'backfill'"
                      + " AND stream LIKE 'poll.%'"))
          .isZero();
      assertThat(checkpoint(db, "demo", "trips"))
          .as("scheduled checkpoint untouched")
          .isEqualTo(Instant.EPOCH);
      assertThat(
              Sql.count(
                  db,
                  "SELECT sum(rows_inserted) FROM tracksolid.ingestion_log WHERE stream = 'poll.trips'"))
          .isEqualTo(Sql.count(db, "SELECT count(*) FROM tracksolid.trips"));
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void twoReplicasSplitTheJobsAndAnExpiredLeaseIsTakenOver() {
    DatabaseTarget db = TestDatabases.fresh();
    Map<String, String> envA = env(db);
    envA.put("INSTANCE_ID", "replica-a");
    Map<String, String> envB = env(db);
    envB.put("INSTANCE_ID", "replica-b");
    envA.put("TRACKSOLID_MAX_INFLIGHT", "2");
    envB.put("TRACKSOLID_MAX_INFLIGHT", "2");
    io.vertx.core.Promise<Void> gate = io.vertx.core.Promise.promise();
    RunningService a = PollFixture.startGated(envA, clock, gate.future(), sources());
    RunningService b = PollFixture.startGated(envB, clock, gate.future(), sources());
    try {
      gate.complete();
      awaitCaughtUp(db);
      for (String method : VENDOR_METHODS) {
        double byA = vendorCallsOf(a, method);
        double byB = vendorCallsOf(b, method);
        assertThat(byA == 0 || byB == 0)
            .as("%s called by one replica only: a=%s b=%s", method, byA, byB)
            .isTrue();
        assertThat(byA + byB).as(method).isPositive();
      }
      Instant from = NOW.minus(Duration.ofDays(3));
      assertMatchesGroundTruth(
          db, from, clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1)));
      assertThat(sim.tracksolid().maxConcurrency(sim.tracksolid().options().appKey()))
          .as("calls in flight for the account, both replicas' pollers together")
          .isBetween(1, 2);

      // Past the lease TTL without a renewal, as after a crash: whoever asks next takes the job
      // over
      // and carries on from the committed checkpoint.
      clock.advance(Duration.ofMinutes(2));
      awaitCaughtUp(db);
      assertMatchesGroundTruth(
          db, from, clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1)));
      // Every job is held again once its next tick has run; the checkpoints above cover only three.
      String live =
          "SELECT count(*) FROM tracksolid.leases WHERE name LIKE 'poll:%' AND expires_at > '"
              + clock.instant()
              + "'";
      await("all five poll leases held again", () -> Sql.count(db, live) == 5);
      assertThat(Sql.count(db, live)).isEqualTo(5);
    } finally {
      TestService.stop(a);
      TestService.stop(b);
    }
  }

  @Test
  void aServerErrorStormOpensTheBreakerTheProbeClosesItAndTheTablesEndAtGroundTruth() {
    DatabaseTarget db = TestDatabases.fresh();
    // The breaker as deployed: the default threshold and open period, timed on the held clock.
    RunningService service = TestService.start(env(db), clock);
    try {
      awaitCaughtUp(db);
      assertThat(circuitState(service)).as("closed before the storm").isEqualTo(0.0);
      var faults = sim.tracksolid().faults();
      VENDOR_METHODS.forEach(m -> faults.inject(m, Fault.http(500), 10_000));
      clock.advance(Duration.ofMinutes(30));
      await("the storm opened the circuit (/metrics)", () -> circuitState(service) == 2.0);
      assertThat(Http.get(service.httpPort(), "/health").status())
          .as("the process itself stays healthy")
          .isEqualTo(200);
      await("calls refused while open", () -> vendorCalls(service, "circuit_open") > 0);

      faults.clear(); // the vendor is back; the breaker does not know until its probe
      assertThat(circuitState(service)).isEqualTo(2.0);
      clock.advance(
          Duration.ofSeconds(61)); // past TRACKSOLID_BREAKER_OPEN: the next call is the probe
      await("the probe closed the circuit (/metrics)", () -> circuitState(service) == 0.0);
      awaitCaughtUp(db);
      assertMatchesGroundTruth(
          db,
          NOW.minus(Duration.ofDays(3)),
          clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1)));
      assertThat(
              Sql.count(db, "SELECT count(*) FROM tracksolid.ingestion_log WHERE status = 'error'"))
          .as("the storm failed runs, later runs redid them")
          .isPositive();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void aTokenExpiringMidRunAndA1004ThroughThePollersEachCostExactlyOneLogin() {
    DatabaseTarget db = TestDatabases.fresh();
    RunningService service = TestService.start(env(db), clock);
    try {
      awaitCaughtUp(db);
      var vendor = sim.tracksolid();
      assertThat(vendor.calls(LOGIN)).isEqualTo(1);

      // The simulator's tokens live two hours on the shared clock: the pollers' next calls need a
      // new one.
      clock.advance(vendor.options().tokenLifetime().plusMinutes(5));
      awaitCaughtUp(db);
      assertThat(vendor.calls(LOGIN)).as("one login for the expired token").isEqualTo(2);

      // The vendor revokes every token just before it checks an alarm call: that call (and any
      // other call in flight with the old token) is answered 1004.
      vendor.faults().inject("jimi.device.alarm.list", Fault.invalidateTokens(), 1);
      clock.advance(Duration.ofMinutes(10));
      awaitCaughtUp(db);
      assertThat(vendorCalls(service, "1004")).as("the revoked token was used").isPositive();
      assertThat(vendor.calls(LOGIN)).as("one login for the 1004").isEqualTo(3);

      assertMatchesGroundTruth(
          db,
          NOW.minus(Duration.ofDays(3)),
          clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1)));
      // A jump of the held clock past POLL_LEASE_TTL may roll back a slice under way (its lease
      // lapsed); no run failed over the token: the re-logins happened inside the calls.
      assertThat(
              Sql.count(
                  db,
                  "SELECT count(*) FROM tracksolid.ingestion_log WHERE status = 'error'"
                      + " AND (error LIKE '%1004%' OR error ILIKE '%token%' OR error LIKE '%"
                      + LOGIN
                      + "%')"))
          .isZero();
    } finally {
      TestService.stop(service);
    }
  }

  @Test
  void anAlarmPushedThenPolledIsOneRowSeenByBothAndHealthReadsTheRealRuns() {
    DatabaseTarget db = TestDatabases.fresh();
    io.vertx.core.Promise<Void> gate = io.vertx.core.Promise.promise();
    RunningService service =
        TestService.start(env(db), clock, ctx -> withGatedPollers(ctx, gate.future()));
    try {
      SyntheticFleet fleet = sim.tracksolid().fleet();
      List<String> imeis = fleet.devices("demo").stream().map(d -> d.imei()).toList();
      var alarm =
          fleet.alarms(imeis, NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1))).stream()
              .filter(
                  a ->
                      a.alertTime()
                          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                          .equals(a.alertTime()))
              .findFirst()
              .orElseThrow();
      JsonArray items =
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("imei", alarm.imei())
                      .put("alarmType", alarm.alertTypeId())
                      .put("alarmName", alarm.alertTypeName())
                      .put(
                          "alarmTime", PUSH_TIME.format(alarm.alertTime().atOffset(ZoneOffset.UTC)))
                      .put("lat", String.valueOf(alarm.lat()))
                      .put("lng", String.valueOf(alarm.lng())));
      Http.Response pushed =
          Http.post(
              service.httpPort(),
              "/pushalarm",
              "application/x-www-form-urlencoded",
              "token="
                  + TestService.WEBHOOK_TOKEN
                  + "&data_list="
                  + URLEncoder.encode(items.encode(), StandardCharsets.UTF_8));
      assertThat(pushed.status()).isEqualTo(200);
      String row =
          "SELECT count(*) OVER () AS n, first_source, seen_by_push, seen_by_poll FROM tracksolid.alarms"
              + " WHERE imei = '"
              + alarm.imei()
              + "' AND alarm_type = '"
              + alarm.alertTypeId()
              + "' AND alarm_time = '"
              + alarm.alertTime()
              + "'";
      assertThat(Sql.one(db, row))
          .containsEntry("n", 1L)
          .containsEntry("seen_by_push", true)
          .containsEntry("seen_by_poll", false);

      gate.complete(); // now the pollers fetch the same alarm through the real client and mapping
      awaitCaughtUp(db);
      assertThat(Sql.one(db, row))
          .containsEntry("n", 1L)
          .containsEntry("first_source", "push")
          .containsEntry("seen_by_push", true)
          .containsEntry("seen_by_poll", true);
      assertMatchesGroundTruth(
          db,
          NOW.minus(Duration.ofDays(3)),
          clock.instant().minus(PollFixture.SETTLE).minus(Duration.ofDays(1)));

      // /health/ingest judged on what these polls and this push logged, not on rows made up by
      // hand.
      await(
          "every poll stream ran",
          () ->
              Sql.count(
                      db,
                      "SELECT count(DISTINCT stream) FROM tracksolid.ingestion_log"
                          + " WHERE stream LIKE 'poll.%' AND status = 'ok'")
                  == 5);
      Http.Response health = Http.get(service.httpPort(), "/health/ingest");
      Map<String, String> statuses = healthStatuses(health.json());
      assertThat(statuses)
          .containsEntry("poll.alarms/demo", "ok")
          .containsEntry("poll.trips/demo", "ok")
          .containsEntry("poll.parking/demo", "ok")
          .containsEntry("poll.devices/demo", "ok")
          .containsEntry("poll.positions/demo", "ok")
          .containsEntry("webhook.pushalarm/", "ok");
      JsonObject pushStream =
          health.json().getJsonArray("streams").stream()
              .map(JsonObject.class::cast)
              .filter(o -> o.getString("stream").equals("webhook.pushalarm"))
              .findFirst()
              .orElseThrow();
      assertThat(pushStream.getInteger("rowsInWindow")).as("the one pushed alarm").isEqualTo(1);
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().getString("status")).isEqualTo("ok");
    } finally {
      TestService.stop(service);
    }
  }

  private static final DateTimeFormatter PUSH_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String LOGIN = io.fleet.ingest.simulator.TracksolidSimulator.LOGIN;

  /** The service's own modules, with the pollers held until {@code gate} completes. */
  private static List<ServiceModule> withGatedPollers(ServiceContext ctx, Future<Void> gate) {
    List<ServiceModule> modules = new ArrayList<>(Modules.forContext(ctx));
    modules.replaceAll(
        m ->
            !(m instanceof PollModule)
                ? m
                : new ServiceModule() {
                  @Override
                  public String name() {
                    return m.name();
                  }

                  @Override
                  public Future<Void> start() {
                    gate.onSuccess(v -> ctx.vertx().runOnContext(x -> m.start()));
                    return Future.succeededFuture();
                  }

                  @Override
                  public Future<Void> stop(Duration grace) {
                    return m.stop(grace);
                  }
                });
    return modules;
  }

  /** stream/account to status, from a /health/ingest body. */
  private static Map<String, String> healthStatuses(JsonObject body) {
    Map<String, String> out = new java.util.TreeMap<>();
    body.getJsonArray("streams").stream()
        .map(JsonObject.class::cast)
        .forEach(
            o ->
                out.put(
                    o.getString("stream") + "/" + o.getString("account"), o.getString("status")));
    return out;
  }

  /** tracksolid_vendor_circuit_state of the demo account, as /metrics shows it. */
  private static double circuitState(RunningService service) {
    Matcher m =
        Pattern.compile(
                "(?m)^tracksolid_vendor_circuit_state\\{[^}]*account=\"demo\"[^}]*} (\\S+)$")
            .matcher(Http.get(service.httpPort(), "/metrics").body());
    if (!m.find()) {
      throw new AssertionError("no tracksolid_vendor_circuit_state for demo in /metrics");
    }
    return Double.parseDouble(m.group(1));
  }

  private static final List<String> VENDOR_METHODS =
      List.of(
          "jimi.device.alarm.list",
          "jimi.device.track.mileage",
          "jimi.open.platform.report.parking",
          "jimi.user.device.list",
          "jimi.user.device.location.list");

  /** Each replica's own client, as production wires it. */
  private static java.util.function.Function<TracksolidClients, List<FleetSource>> sources() {
    return TracksolidFleetSource::all;
  }

  private static double vendorCalls(RunningService service, String code) {
    return service
        .context()
        .registry()
        .find("tracksolid.vendor.calls")
        .tag("code", code)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static double vendorCallsOf(RunningService service, String method) {
    return service
        .context()
        .registry()
        .find("tracksolid.vendor.calls")
        .tag("method", method)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /**
   * As {@link #awaitCaughtUp}, for storms that may open the breaker: while the circuit is open the
   * held clock moves past TRACKSOLID_BREAKER_OPEN, so the probe goes out, as time would let it.
   */
  private void awaitCaughtUpThroughTheBreaker(DatabaseTarget db, RunningService service) {
    Instant target = clock.instant().minus(PollFixture.SETTLE);
    TracksolidClients clients = TestService.module(service, TracksolidModule.class).clients();
    await(
        "trips, parking and alarms caught up through the breaker",
        () -> {
          if (clients.circuits().get("demo")
              == io.fleet.ingest.tracksolid.CircuitBreaker.State.OPEN) {
            clock.advance(Duration.ofSeconds(61));
          }
          return List.of("alarms", "trips", "parking").stream()
              .noneMatch(ep -> checkpoint(db, "demo", ep).isBefore(target));
        });
  }

  private void awaitCaughtUp(DatabaseTarget db) {
    Instant target = clock.instant().minus(PollFixture.SETTLE);
    for (String ep : List.of("alarms", "trips", "parking")) {
      await(ep + " checkpoint", () -> !checkpoint(db, "demo", ep).isBefore(target));
    }
  }

  private void assertMatchesGroundTruth(DatabaseTarget db, Instant from, Instant to) {
    SyntheticFleet fleet = sim.tracksolid().fleet();
    List<String> imeis =
        Sql.rows(db, "SELECT imei FROM tracksolid.devices WHERE active").stream()
            .map(r -> (String) r.get("imei"))
            .toList();
    assertThat(imeis).isNotEmpty();
    TreeSet<String> trips = new TreeSet<>();
    fleet.trips(imeis, from, to).stream()
        .filter(t -> t.startTime().isBefore(to))
        .forEach(t -> trips.add(t.imei() + "|" + t.startTime()));
    TreeSet<String> stops = new TreeSet<>();
    for (String acc : List.of("off", "on")) {
      fleet.stops(imeis, acc, from, to).stream()
          .filter(s -> s.startTime().isBefore(to))
          .forEach(
              s ->
                  stops.add(
                      s.imei()
                          + "|"
                          + ("off".equals(acc) ? "parking" : "idling")
                          + "|"
                          + s.startTime()));
    }
    TreeSet<String> alarms = new TreeSet<>();
    fleet.alarms(imeis, from, to).stream()
        .filter(a -> a.alertTime().isBefore(to))
        .forEach(a -> alarms.add(a.imei() + "|" + a.alertTypeId() + "|" + a.alertTime()));
    String in = "imei IN ('" + String.join("','", imeis) + "')";
    assertThat(
            stored(
                db,
                "SELECT imei, start_time AS t FROM tracksolid.trips WHERE "
                    + in
                    + " AND start_time >= '"
                    + from
                    + "' AND start_time < '"
                    + to
                    + "'"))
        .isEqualTo(trips)
        .isNotEmpty();
    assertThat(
            stored(
                db,
                "SELECT imei || '|' || kind AS imei, start_time AS t FROM tracksolid.parking WHERE "
                    + in
                    + " AND start_time >= '"
                    + from
                    + "' AND start_time < '"
                    + to
                    + "'"))
        .isEqualTo(stops)
        .isNotEmpty();
    assertThat(
            stored(
                db,
                "SELECT imei || '|' || alarm_type AS imei, alarm_time AS t FROM tracksolid.alarms WHERE "
                    + in
                    + " AND alarm_time >= '"
                    + from
                    + "' AND alarm_time < '"
                    + to
                    + "'"))
        .isEqualTo(alarms)
        .isNotEmpty();
  }

  private static SortedSet<String> stored(DatabaseTarget db, String sql) {
    TreeSet<String> out = new TreeSet<>();
    Sql.rows(db, sql).forEach(r -> out.add(r.get("imei") + "|" + instant(r.get("t"))));
    return out;
  }

  static final class Counting implements Backfill.Progress {
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger alreadyDone = new AtomicInteger();

    @Override
    public void planned(String account, Endpoint endpoint, int totalSlices, int already) {
      alreadyDone.addAndGet(already);
    }

    @Override
    public void sliceDone(String account, Endpoint endpoint, Window slice, Counts counts) {
      done.incrementAndGet();
    }
  }
}
