package io.fleet.ingest.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the simulator serves: the synthetic fleet ({@code seed}, {@code devices}, {@code days} from
 * {@code fleetStart}), the one app and user it accepts (the user owns {@code userId} and a
 * sub-account {@code userId + "-sub"} as targets), token lifetime, start_row base, its clock and
 * the vendor garbage it starts with (none by default; {@link FaultPlan#garbage} changes it later).
 * The same options always produce the same fleet.
 */
public record SimulatorOptions(
    long seed,
    int devices,
    int days,
    Instant fleetStart,
    Duration tokenLifetime,
    String appKey,
    String appSecret,
    String userId,
    String password,
    int startRowBase,
    String host,
    int port,
    Clock clock,
    VendorGarbage garbage) {

  public static final String DEMO_APP_KEY = "SIMULATORAPPKEY";
  public static final String DEMO_APP_SECRET = "simulator-secret-0123456789abcdef";
  public static final String DEMO_USER = "demo";
  public static final String DEMO_PASSWORD = "demo-password";

  /**
   * A small fleet whose history ends now: {@code days} days back, one day ahead still to happen.
   */
  public static SimulatorOptions defaults(Clock clock) {
    Instant start = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(2));
    return new SimulatorOptions(
        42L,
        10,
        3,
        start,
        Duration.ofHours(2),
        DEMO_APP_KEY,
        DEMO_APP_SECRET,
        DEMO_USER,
        DEMO_PASSWORD,
        1,
        "127.0.0.1",
        0,
        clock,
        VendorGarbage.none());
  }

  public SimulatorOptions withFleet(long seed, int devices, int days, Instant start) {
    return new SimulatorOptions(
        seed,
        devices,
        days,
        start,
        tokenLifetime,
        appKey,
        appSecret,
        userId,
        password,
        startRowBase,
        host,
        port,
        clock,
        garbage);
  }

  public SimulatorOptions withTokenLifetime(Duration lifetime) {
    return new SimulatorOptions(
        seed,
        devices,
        days,
        fleetStart,
        lifetime,
        appKey,
        appSecret,
        userId,
        password,
        startRowBase,
        host,
        port,
        clock,
        garbage);
  }

  public SimulatorOptions withStartRowBase(int base) {
    return new SimulatorOptions(
        seed,
        devices,
        days,
        fleetStart,
        tokenLifetime,
        appKey,
        appSecret,
        userId,
        password,
        base,
        host,
        port,
        clock,
        garbage);
  }

  public SimulatorOptions withListen(String host, int port) {
    return new SimulatorOptions(
        seed,
        devices,
        days,
        fleetStart,
        tokenLifetime,
        appKey,
        appSecret,
        userId,
        password,
        startRowBase,
        host,
        port,
        clock,
        garbage);
  }

  public SimulatorOptions withGarbage(VendorGarbage g) {
    return new SimulatorOptions(
        seed,
        devices,
        days,
        fleetStart,
        tokenLifetime,
        appKey,
        appSecret,
        userId,
        password,
        startRowBase,
        host,
        port,
        clock,
        g);
  }

  /** The sub-account the user also owns (device-list churn moves devices between the two). */
  public String subAccount() {
    return userId + "-sub";
  }
}
