-- Views analysts query. They run with their owner's rights, so the reporting reader needs
-- SELECT on reporting.* only and never touches the raw tables.

CREATE VIEW reporting.v_devices AS
SELECT imei, account, device_name, model, vehicle_name, vehicle_number, driver_name,
       device_group, expiration, active, disabled_at, first_seen_at, last_seen_at
FROM tracksolid.devices;

CREATE VIEW reporting.v_alarms AS
SELECT a.alarm_time, a.imei, COALESCE(a.device_name, d.device_name) AS device_name,
       d.vehicle_number, a.account, a.alarm_type, a.alarm_name, a.lat, a.lng, a.speed_kmh,
       a.address, a.geofence_id, a.seen_by_poll, a.seen_by_push
FROM tracksolid.alarms a
LEFT JOIN tracksolid.devices d USING (imei);

CREATE VIEW reporting.v_trips AS
SELECT t.imei, d.device_name, d.vehicle_number, t.account, t.start_time, t.end_time,
       t.duration_s, t.distance_m, round((t.distance_m / 1000.0)::numeric, 3) AS distance_km,
       t.avg_speed_kmh, t.max_speed_kmh, t.start_lat, t.start_lng, t.end_lat, t.end_lng,
       t.start_address, t.end_address
FROM tracksolid.trips t
LEFT JOIN tracksolid.devices d USING (imei);

CREATE VIEW reporting.v_stops AS
SELECT p.imei, d.device_name, d.vehicle_number, p.account, p.kind, p.start_time, p.end_time,
       p.duration_s, p.lat, p.lng, COALESCE(p.address, NULLIF(p.vendor_address, '')) AS address
FROM tracksolid.parking p
LEFT JOIN tracksolid.devices d USING (imei);

CREATE VIEW reporting.v_latest_positions AS
SELECT DISTINCT ON (p.imei) p.imei, d.device_name, d.vehicle_number, p.gps_time, p.lat, p.lng,
       p.speed_kmh, p.direction, p.pos_type, p.acc, p.source
FROM tracksolid.position_history p
LEFT JOIN tracksolid.devices d USING (imei)
ORDER BY p.imei, p.gps_time DESC;

-- Daily per-device activity, materialised because analysts read it far more than it changes.
-- Refreshed by the reporting refresh job through reporting.refresh_materialized_views().
CREATE MATERIALIZED VIEW reporting.mv_daily_device_activity AS
SELECT (t.start_time AT TIME ZONE 'UTC')::date AS day_utc,
       t.imei,
       count(*)                         AS trips,
       COALESCE(sum(t.distance_m), 0)   AS distance_m,
       COALESCE(sum(t.duration_s), 0)   AS driving_s,
       max(t.max_speed_kmh)             AS max_speed_kmh
FROM tracksolid.trips t
GROUP BY 1, 2
WITH NO DATA;
CREATE UNIQUE INDEX mv_daily_device_activity_key ON reporting.mv_daily_device_activity (day_utc, imei);

-- Pipeline health per stream; a later migration replaces it with the allow-listed version.
CREATE VIEW reporting.v_ingest_health AS
SELECT stream, account,
       max(finished_at) FILTER (WHERE status = 'ok')    AS last_success_at,
       max(finished_at) FILTER (WHERE status = 'error') AS last_error_at
FROM tracksolid.ingestion_log
GROUP BY stream, account;

-- REFRESH needs ownership; this definer function lets the ingest role refresh without owning.
CREATE FUNCTION reporting.refresh_materialized_view(view_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = view_name) THEN
    RAISE EXCEPTION 'reporting.% is not a materialised view', view_name;
  END IF;
  EXECUTE format('REFRESH MATERIALIZED VIEW reporting.%I', view_name);
END
$$;
REVOKE ALL ON FUNCTION reporting.refresh_materialized_view(text) FROM PUBLIC;
