package io.fleet.ingest.ops;

import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /api/fleet for the status page's map: each active device's last position, and whether it is
 * moving, parked or offline.
 */
final class FleetApi {
  // The status page's log events keep the logger they always had.
  private static final Logger log = LoggerFactory.getLogger(StatusApi.class);

  /** A fix this recent at this speed is a vehicle on the move. */
  static final Duration MOVING_WITHIN = Duration.ofMinutes(10);

  static final double MOVING_KMH = 5;

  /** Without a fix for this long a vehicle is offline. */
  static final Duration OFFLINE_AFTER = Duration.ofHours(24);

  static final int FLEET_LIMIT = 5_000;

  private static final String FLEET =
      """
      SELECT d.imei, coalesce(nullif(d.vehicle_name, ''), nullif(d.device_name, ''), d.imei) AS name, d.account,
             p.gps_time, p.lat, p.lng, p.speed_kmh
      FROM tracksolid.devices d
      LEFT JOIN LATERAL (
        SELECT h.gps_time, h.lat, h.lng, h.speed_kmh FROM tracksolid.position_history h
        WHERE h.imei = d.imei ORDER BY h.gps_time DESC LIMIT 1) p ON true
      WHERE d.active
      ORDER BY d.imei
      LIMIT"""
          + " "
          + FLEET_LIMIT;

  private final Pool pool;
  private final Clock clock;

  FleetApi(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  void handle(RoutingContext ctx) {
    Instant now = clock.instant();
    pool.query(FLEET)
        .execute()
        .timeout(StatusApi.DB_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(
            err -> {
              log.warn("status: cannot read the fleet's positions", err);
              ctx.fail(
                  new HttpFailure(
                      503,
                      "unavailable",
                      "The fleet's positions cannot be read from the database."));
            })
        .onSuccess(
            rows -> {
              JsonArray vehicles = new JsonArray();
              for (Row r : rows) {
                OffsetDateTime at = r.getOffsetDateTime("gps_time");
                Double speed = r.getDouble("speed_kmh");
                JsonObject v =
                    new JsonObject()
                        .put("imei", r.getString("imei"))
                        .put("name", r.getString("name"))
                        .put("account", r.getString("account"))
                        .put("status", status(at == null ? null : at.toInstant(), speed, now));
                if (at != null) {
                  v.put("lat", r.getDouble("lat"))
                      .put("lng", r.getDouble("lng"))
                      .put("speedKmh", speed)
                      .put("fixAt", StatusApi.iso(at))
                      .put(
                          "ageSeconds",
                          Math.max(0, Duration.between(at.toInstant(), now).toSeconds()));
                }
                vehicles.add(v);
              }
              StatusApi.json(
                  ctx, new JsonObject().put("checkedAt", now.toString()).put("vehicles", vehicles));
            });
  }

  /** moving, parked or offline: the colour of a vehicle's point. */
  static String status(Instant fixAt, Double speedKmh, Instant now) {
    if (fixAt == null || Duration.between(fixAt, now).compareTo(OFFLINE_AFTER) > 0) {
      return "offline";
    }
    boolean recent = Duration.between(fixAt, now).compareTo(MOVING_WITHIN) <= 0;
    return recent && speedKmh != null && speedKmh >= MOVING_KMH ? "moving" : "parked";
  }
}
