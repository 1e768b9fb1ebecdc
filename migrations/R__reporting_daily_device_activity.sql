-- Daily per-device activity, materialised because analysts read it far more than it changes.
-- Refreshed by the reporting refresh job through reporting.refresh_materialized_view(), which
-- also fills it after this file re-creates it (WITH NO DATA). The unique index on plain columns
-- lets that refresh run CONCURRENTLY.
DROP MATERIALIZED VIEW IF EXISTS reporting.mv_daily_device_activity;
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
