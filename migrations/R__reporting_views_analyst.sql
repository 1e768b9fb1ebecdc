-- Views analysts query. They run with their owner's rights, so tracksolid_reader needs SELECT
-- on reporting.* only and never touches tracksolid.*. Daily views read the rollup tables and
-- carry day, day_start, day_end and day_seconds (a DST day has 23 or 25 hours). Repeatable:
-- each view is dropped and created again, so a changed column list applies cleanly.
DROP VIEW IF EXISTS reporting.v_fleet_status, reporting.v_daily_vehicle_summary, reporting.v_vehicle_weekly,
  reporting.v_vehicle_monthly, reporting.v_driver_clock, reporting.v_alarms_daily, reporting.v_overspeed_events,
  reporting.v_fleet_utilisation_daily, reporting.v_quarantine_daily, reporting.v_ingest_lag_hourly,
  reporting.v_data_quality_daily, reporting.v_settings;

-- The settings as analysts need them.
CREATE VIEW reporting.v_settings AS
SELECT s.*, EXTRACT(epoch FROM s.planned_work)::integer AS planned_work_s FROM reporting.settings s;

-- The driver and vehicle number assigned at an instant.
CREATE OR REPLACE FUNCTION reporting.assignment_at(p_imei text, p_at timestamptz)
RETURNS TABLE (driver_name text, vehicle_number text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT a.driver_name, a.vehicle_number FROM tracksolid.device_assignments a
  WHERE a.imei = p_imei AND a.valid_from <= p_at AND (a.valid_to IS NULL OR a.valid_to > p_at)
  ORDER BY a.valid_from DESC LIMIT 1
$$;

-- Vehicle now. status, first match wins: inactive (disabled by the device sync), expired
-- (service expired), never_reported, offline (no contact, fix or heartbeat, for offline_after),
-- stale (went silent for stale_after while moving or idling), moving, idling, parked. A parked
-- tracker that only sends heartbeats now and then stays parked until it is offline.
CREATE VIEW reporting.v_fleet_status AS
WITH s AS (SELECT * FROM reporting.settings WHERE id)
SELECT d.imei, d.device_name, d.vehicle_number, d.vehicle_name, d.driver_name, d.device_group, d.account,
       lf.gps_time AS last_fix_at, lf.lat, lf.lng, lf.speed_kmh, lf.acc,
       ds.last_heartbeat_at, c.last_contact_at, ds.vendor_online,
       now() - lf.gps_time AS fix_age, now() - c.last_contact_at AS contact_age,
       CASE
         WHEN NOT d.active THEN 'inactive'
         WHEN d.expiration IS NOT NULL AND d.expiration < now() THEN 'expired'
         WHEN c.last_contact_at IS NULL THEN 'never_reported'
         WHEN now() - c.last_contact_at > COALESCE(s.offline_after, interval '24 hours') THEN 'offline'
         WHEN c.running AND now() - c.last_contact_at > COALESCE(s.stale_after, interval '30 minutes') THEN 'stale'
         -- A fix that says moving or idling holds only while it is recent; after that the
         -- heartbeats of a stopped tracker say it is parked.
         WHEN lf.speed_kmh > 3 AND now() - lf.gps_time <= s.stale_after THEN 'moving'
         WHEN c.running AND now() - lf.gps_time <= s.stale_after THEN 'idling'
         ELSE 'parked'
       END AS status,
       cs.kind AS current_stop, cs.start_time AS current_stop_since,
       COALESCE(cs.address, lt.end_address) AS last_address
FROM tracksolid.devices d
CROSS JOIN s
LEFT JOIN tracksolid.device_state ds ON ds.imei = d.imei
LEFT JOIN LATERAL (
  SELECT p.gps_time, p.lat, p.lng, p.speed_kmh, p.acc FROM tracksolid.position_history p
  WHERE p.imei = d.imei ORDER BY p.gps_time DESC LIMIT 1) lf ON true
LEFT JOIN LATERAL (
  SELECT t.end_time, t.end_address FROM tracksolid.trips t
  WHERE t.imei = d.imei ORDER BY t.start_time DESC LIMIT 1) lt ON true
LEFT JOIN LATERAL (
  SELECT p.kind, p.start_time, COALESCE(p.address, NULLIF(p.vendor_address, '')) AS address
  FROM tracksolid.parking p
  WHERE p.imei = d.imei AND (p.end_time IS NULL OR lt.end_time IS NULL OR p.start_time >= lt.end_time)
  ORDER BY p.start_time DESC LIMIT 1) cs ON true
CROSS JOIN LATERAL (
  SELECT GREATEST(lf.gps_time, ds.last_contact_at) AS last_contact_at,
         COALESCE(lf.speed_kmh > 3 OR lf.acc, false) OR cs.kind = 'idling' AS running) c;

CREATE VIEW reporting.v_daily_vehicle_summary AS
SELECT r.day, r.day_start, r.day_end, r.day_seconds, r.imei, d.device_name,
       COALESCE(asg.vehicle_number, d.vehicle_number) AS vehicle_number, asg.driver_name, d.device_group,
       r.trips, r.distance_m, round((r.distance_m / 1000.0)::numeric, 3) AS distance_km, r.distance_source,
       r.trip_distance_m, r.gps_distance_m, r.driving_s, r.idle_s, r.excess_idle_s, r.parked_s, r.engine_on_s,
       r.unaccounted_s, round(r.driving_s / 3600.0, 2) AS driving_h, round(r.engine_on_s / 3600.0, 2) AS engine_on_h,
       r.max_speed_kmh, r.first_move_at, r.last_stop_at, r.fixes, r.alarms, r.alarms_by_category,
       r.overspeed_episodes, r.used, r.after_hours_driving_s, r.night_driving_s, r.flags, r.computed_at
FROM reporting.daily_vehicle_summary r
LEFT JOIN tracksolid.devices d ON d.imei = r.imei
LEFT JOIN LATERAL reporting.assignment_at(r.imei, r.day_start) asg ON true;

-- Totals of a period, read from the daily rollup only.
CREATE OR REPLACE FUNCTION reporting.vehicle_summary(p_from date, p_to date)
RETURNS TABLE (imei text, device_name text, vehicle_number text, days integer, used_days integer,
               trips bigint, distance_m double precision, driving_s bigint, idle_s bigint, parked_s bigint,
               engine_on_s bigint, unaccounted_s bigint, period_seconds bigint, max_speed_kmh double precision,
               alarms bigint, overspeed_episodes bigint, after_hours_driving_s bigint, no_data_days integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT r.imei, max(d.device_name), max(d.vehicle_number), count(*)::integer, (count(*) FILTER (WHERE r.used))::integer,
         sum(r.trips), sum(r.distance_m), sum(r.driving_s), sum(r.idle_s), sum(r.parked_s), sum(r.engine_on_s),
         sum(r.unaccounted_s), sum(r.day_seconds), max(r.max_speed_kmh), sum(r.alarms), sum(r.overspeed_episodes),
         sum(r.after_hours_driving_s), (count(*) FILTER (WHERE 'no_data' = ANY (r.flags)))::integer
  FROM reporting.daily_vehicle_summary r
  LEFT JOIN tracksolid.devices d ON d.imei = r.imei
  WHERE r.day BETWEEN p_from AND p_to
  GROUP BY r.imei
  ORDER BY r.imei
$$;

CREATE VIEW reporting.v_vehicle_weekly AS
SELECT date_trunc('week', r.day)::date AS week, min(r.day_start) AS period_start, max(r.day_end) AS period_end,
       r.imei, max(d.device_name) AS device_name, max(d.vehicle_number) AS vehicle_number,
       count(*) AS days, count(*) FILTER (WHERE r.used) AS used_days, sum(r.trips) AS trips,
       sum(r.distance_m) AS distance_m, sum(r.driving_s) AS driving_s, sum(r.idle_s) AS idle_s,
       sum(r.parked_s) AS parked_s, sum(r.engine_on_s) AS engine_on_s, sum(r.day_seconds) AS period_seconds,
       max(r.max_speed_kmh) AS max_speed_kmh, sum(r.alarms) AS alarms, sum(r.overspeed_episodes) AS overspeed_episodes
FROM reporting.daily_vehicle_summary r
LEFT JOIN tracksolid.devices d ON d.imei = r.imei
GROUP BY 1, r.imei;

CREATE VIEW reporting.v_vehicle_monthly AS
SELECT date_trunc('month', r.day)::date AS month, min(r.day_start) AS period_start, max(r.day_end) AS period_end,
       r.imei, max(d.device_name) AS device_name, max(d.vehicle_number) AS vehicle_number,
       count(*) AS days, count(*) FILTER (WHERE r.used) AS used_days, sum(r.trips) AS trips,
       sum(r.distance_m) AS distance_m, sum(r.driving_s) AS driving_s, sum(r.idle_s) AS idle_s,
       sum(r.parked_s) AS parked_s, sum(r.engine_on_s) AS engine_on_s, sum(r.day_seconds) AS period_seconds,
       max(r.max_speed_kmh) AS max_speed_kmh, sum(r.alarms) AS alarms, sum(r.overspeed_episodes) AS overspeed_episodes
FROM reporting.daily_vehicle_summary r
LEFT JOIN tracksolid.devices d ON d.imei = r.imei
GROUP BY 1, r.imei;

-- Vehicle x local day with the driver assigned at the day's start, against EU 561/2006: daily
-- driving over eu_daily_driving, continuous driving (between breaks of at least eu_break) over
-- eu_continuous_driving, rest before the shift (since the previous driving day's last stop)
-- under eu_daily_rest. Days without driving are left out.
CREATE VIEW reporting.v_driver_clock AS
WITH s AS (SELECT * FROM reporting.settings WHERE id),
days AS (
  SELECT r.*, lag(r.shift_end) OVER (PARTITION BY r.imei ORDER BY r.day) AS previous_shift_end
  FROM reporting.daily_vehicle_summary r
  WHERE r.engine_on_s > 0
)
SELECT r.day, r.day_start, r.day_end, r.day_seconds, r.imei, d.device_name,
       COALESCE(asg.vehicle_number, d.vehicle_number) AS vehicle_number, asg.driver_name,
       r.shift_start, r.shift_end, r.driving_s, r.idle_s, r.engine_on_s AS on_duty_s, r.breaks, r.driving_periods,
       r.longest_continuous_driving_s, reporting.seconds_between(r.previous_shift_end, r.shift_start)::integer
         AS rest_before_s,
       r.night_driving_s, COALESCE((r.alarms_by_category ->> 'fatigue')::integer, 0) AS fatigue_alarms,
       r.driving_s > EXTRACT(epoch FROM s.eu_daily_driving) AS daily_driving_exceeded,
       r.longest_continuous_driving_s > EXTRACT(epoch FROM s.eu_continuous_driving) AS continuous_driving_exceeded,
       r.previous_shift_end IS NOT NULL AND r.shift_start - r.previous_shift_end < s.eu_daily_rest AS rest_too_short,
       array_remove(ARRAY[
         CASE WHEN r.driving_s > EXTRACT(epoch FROM s.eu_daily_driving) THEN 'daily_driving' END,
         CASE WHEN r.longest_continuous_driving_s > EXTRACT(epoch FROM s.eu_continuous_driving)
              THEN 'continuous_driving' END,
         CASE WHEN r.previous_shift_end IS NOT NULL AND r.shift_start - r.previous_shift_end < s.eu_daily_rest
              THEN 'daily_rest' END], NULL) AS eu561_flags
FROM days r
CROSS JOIN s
LEFT JOIN tracksolid.devices d ON d.imei = r.imei
LEFT JOIN LATERAL reporting.assignment_at(r.imei, r.day_start) asg ON true
WHERE r.driving_s > 0;

CREATE VIEW reporting.v_alarms_daily AS
SELECT c.day, c.day_start, c.day_end, c.day_seconds, c.imei, d.device_name, d.vehicle_number, c.alarm_type,
       c.alarm_name, c.category, c.severity, c.alarms, c.push_only, c.poll_only, c.both_sources
FROM reporting.daily_alarm_counts c
LEFT JOIN tracksolid.devices d ON d.imei = c.imei;

-- Overspeed episodes over the rollup window (older ones: reporting.overspeed_episodes(from, to)).
CREATE VIEW reporting.v_overspeed_events AS
WITH s AS (SELECT * FROM reporting.settings WHERE id)
SELECT (o.start_time AT TIME ZONE s.time_zone)::date AS day, o.imei, d.device_name, d.vehicle_number,
       o.start_time, o.end_time, o.duration_s, o.max_speed_kmh, o.fixes, o.limit_kmh, o.source, o.alarm_type
FROM s
CROSS JOIN LATERAL reporting.overspeed_episodes(
  (((now() - s.rollup_window) AT TIME ZONE s.time_zone)::date)::timestamp AT TIME ZONE s.time_zone, now()) o
LEFT JOIN tracksolid.devices d ON d.imei = o.imei;

-- Local day x device group, plus a 'total' row per day: active vehicles (enabled that day), of
-- them reporting (any data), used and silent (no data); utilisation by days (used / active) and by
-- engine hours (engine-on / planned work of every active vehicle), and the idle share of engine-on.
CREATE VIEW reporting.v_fleet_utilisation_daily AS
WITH s AS (SELECT * FROM reporting.settings WHERE id),
r AS (
  SELECT x.*, COALESCE(NULLIF(d.device_group, ''), '(none)') AS grp,
         COALESCE(d.active OR d.disabled_at >= x.day_start, true) AS active
  FROM reporting.daily_vehicle_summary x LEFT JOIN tracksolid.devices d ON d.imei = x.imei
)
SELECT r.day, r.day_start, r.day_end, r.day_seconds,
       CASE WHEN GROUPING(r.grp) = 1 THEN 'total' ELSE r.grp END AS device_group,
       count(*) FILTER (WHERE r.active) AS active_vehicles,
       count(*) FILTER (WHERE r.active AND NOT 'no_data' = ANY (r.flags)) AS reporting_vehicles,
       count(*) FILTER (WHERE r.active AND r.used) AS used_vehicles,
       count(*) FILTER (WHERE r.active AND 'no_data' = ANY (r.flags)) AS silent_vehicles,
       round(count(*) FILTER (WHERE r.active AND r.used)::numeric
             / NULLIF(count(*) FILTER (WHERE r.active), 0), 4) AS utilisation_by_days,
       round(sum(r.engine_on_s) FILTER (WHERE r.active)::numeric
             / NULLIF(count(*) FILTER (WHERE r.active) * max(EXTRACT(epoch FROM s.planned_work)), 0), 4)
         AS utilisation_by_engine_hours,
       round(sum(r.idle_s)::numeric / NULLIF(sum(r.engine_on_s), 0), 4) AS idle_share,
       sum(r.distance_m) AS distance_m, sum(r.engine_on_s) AS engine_on_s
FROM r CROSS JOIN s
GROUP BY GROUPING SETS ((r.day, r.day_start, r.day_end, r.day_seconds, r.grp),
                        (r.day, r.day_start, r.day_end, r.day_seconds));

-- Rejected items per local day, stream and reason.
CREATE VIEW reporting.v_quarantine_daily AS
WITH s AS (SELECT * FROM reporting.settings WHERE id)
SELECT x.day, x.day::timestamp AT TIME ZONE s.time_zone AS day_start,
       (x.day + 1)::timestamp AT TIME ZONE s.time_zone AS day_end,
       reporting.seconds_between(x.day::timestamp AT TIME ZONE s.time_zone,
                                 (x.day + 1)::timestamp AT TIME ZONE s.time_zone)::integer AS day_seconds,
       x.stream, x.reason, x.items, x.vehicles
FROM s
CROSS JOIN LATERAL (
  SELECT (q.received_at AT TIME ZONE s.time_zone)::date AS day, q.stream, q.reason, count(*) AS items,
         count(DISTINCT q.imei) AS vehicles
  FROM tracksolid.quarantine q GROUP BY 1, 2, 3) x;

-- Ingest lag (received_at - event time) per hour and stream over the last 7 days: fixes by
-- source (poll or push) and alarms by first source.
CREATE VIEW reporting.v_ingest_lag_hourly AS
SELECT date_trunc('hour', x.received_at) AS hour, x.stream, count(*) AS items,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.lag_s) AS lag_p50_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY x.lag_s) AS lag_p95_s,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY x.lag_s) AS lag_p99_s,
       max(x.lag_s) AS lag_max_s
FROM (
  SELECT 'positions.' || p.source AS stream, p.received_at,
         reporting.seconds_between(p.gps_time, p.received_at) AS lag_s
  FROM tracksolid.position_history p WHERE p.gps_time > now() - interval '7 days'
  UNION ALL
  SELECT 'alarms.' || a.first_source, a.received_at, reporting.seconds_between(a.alarm_time, a.received_at)
  FROM tracksolid.alarms a WHERE a.alarm_time > now() - interval '7 days'
) x
WHERE x.received_at > now() - interval '7 days'
GROUP BY 1, 2;

-- Per local day of the rollup: how many vehicle days carry each flag, rows of the last 31 days
-- still waiting for an address, and (the same on every row) the checkpoint lag and the rollups' freshness.
CREATE VIEW reporting.v_data_quality_daily AS
WITH s AS (SELECT * FROM reporting.settings WHERE id),
flags AS (
  SELECT r.day, min(r.day_start) AS day_start, min(r.day_end) AS day_end, min(r.day_seconds) AS day_seconds,
         count(*) AS vehicle_days,
         count(*) FILTER (WHERE 'no_data' = ANY (r.flags)) AS no_data,
         count(*) FILTER (WHERE 'moved_without_trips' = ANY (r.flags)) AS moved_without_trips,
         count(*) FILTER (WHERE 'distance_mismatch' = ANY (r.flags)) AS distance_mismatch,
         count(*) FILTER (WHERE 'implausible_trip_speed' = ANY (r.flags)) AS implausible_trip_speed,
         count(*) FILTER (WHERE 'open_trip' = ANY (r.flags)) AS open_trip,
         count(*) FILTER (WHERE r.unaccounted_s = r.day_seconds) AS fully_unaccounted
  FROM reporting.daily_vehicle_summary r GROUP BY r.day
),
backlog AS (
  SELECT (x.t AT TIME ZONE s.time_zone)::date AS day, count(*) AS geocode_backlog
  FROM s CROSS JOIN LATERAL (
    SELECT t.start_time FROM tracksolid.trips t
    WHERE (t.start_address IS NULL OR t.end_address IS NULL) AND t.start_time > now() - interval '31 days'
    UNION ALL SELECT p.start_time FROM tracksolid.parking p
    WHERE p.address IS NULL AND p.start_time > now() - interval '31 days'
    UNION ALL SELECT a.alarm_time FROM tracksolid.alarms a
    WHERE a.address IS NULL AND a.lat IS NOT NULL AND a.alarm_time > now() - interval '31 days') x(t)
  GROUP BY 1
)
SELECT f.*, COALESCE(b.geocode_backlog, 0) AS geocode_backlog,
       (SELECT now() - min(c.position) FROM tracksolid.checkpoints c WHERE c.endpoint NOT LIKE '%:%')
         AS checkpoint_lag,
       st.last_tick_at AS rollups_refreshed_at, now() - st.last_tick_at AS rollup_age,
       st.time_zone IS DISTINCT FROM s.time_zone AS rollup_zone_differs
FROM flags f
CROSS JOIN s
LEFT JOIN backlog b ON b.day = f.day
LEFT JOIN reporting.rollup_state st ON st.id;

-- Definer functions read raw data: only the reporting roles may call them, not every login.
REVOKE ALL ON FUNCTION reporting.assignment_at(text, timestamptz), reporting.vehicle_summary(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.assignment_at(text, timestamptz), reporting.vehicle_summary(date, date)
  TO tracksolid_reader, tracksolid_ingest;
