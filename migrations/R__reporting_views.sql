-- Views analysts query. They run with their owner's rights, so the reporting reader needs
-- SELECT on reporting.* only and never touches the raw tables. CREATE OR REPLACE keeps grants
-- and dependants; a change that drops or renames a column needs a versioned migration instead.

CREATE OR REPLACE VIEW reporting.v_devices AS
SELECT imei, account, device_name, model, vehicle_name, vehicle_number, driver_name,
       device_group, expiration, active, disabled_at, first_seen_at, last_seen_at
FROM tracksolid.devices;

CREATE OR REPLACE VIEW reporting.v_alarms AS
SELECT a.alarm_time, a.imei, COALESCE(a.device_name, d.device_name) AS device_name,
       d.vehicle_number, a.account, a.alarm_type, a.alarm_name, a.lat, a.lng, a.speed_kmh,
       a.address, a.geofence_id, a.seen_by_poll, a.seen_by_push
FROM tracksolid.alarms a
LEFT JOIN tracksolid.devices d USING (imei);

CREATE OR REPLACE VIEW reporting.v_trips AS
SELECT t.imei, d.device_name, d.vehicle_number, t.account, t.start_time, t.end_time,
       t.duration_s, t.distance_m, round((t.distance_m / 1000.0)::numeric, 3) AS distance_km,
       t.avg_speed_kmh, t.max_speed_kmh, t.start_lat, t.start_lng, t.end_lat, t.end_lng,
       t.start_address, t.end_address
FROM tracksolid.trips t
LEFT JOIN tracksolid.devices d USING (imei);

CREATE OR REPLACE VIEW reporting.v_stops AS
SELECT p.imei, d.device_name, d.vehicle_number, p.account, p.kind, p.start_time, p.end_time,
       p.duration_s, p.lat, p.lng, COALESCE(p.address, NULLIF(p.vendor_address, '')) AS address
FROM tracksolid.parking p
LEFT JOIN tracksolid.devices d USING (imei);

CREATE OR REPLACE VIEW reporting.v_latest_positions AS
SELECT DISTINCT ON (p.imei) p.imei, d.device_name, d.vehicle_number, p.gps_time, p.lat, p.lng,
       p.speed_kmh, p.direction, p.pos_type, p.acc, p.source
FROM tracksolid.position_history p
LEFT JOIN tracksolid.devices d USING (imei)
ORDER BY p.imei, p.gps_time DESC;
