-- reporting.mv_daily_device_activity (trips only, UTC days, rebuilt from all history each tick)
-- gives way to the local-day rollup tables of V6.
DROP MATERIALIZED VIEW IF EXISTS reporting.mv_daily_device_activity;

-- Fixes per vehicle per 15 minutes. On TimescaleDB with the timescale licence it is a
-- continuous aggregate refreshed by a policy; elsewhere a table with the same name and columns
-- that the reporting refresh job maintains (reporting.refresh_rollup_range). Analysts query the
-- same name either way. Buckets are aligned to UTC quarter hours, which are also local quarter
-- hours in every zone (all offsets are whole quarter hours).
DO $$
DECLARE
  continuous boolean := false;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
     AND COALESCE(current_setting('timescaledb.license', true), 'timescale') = 'timescale' THEN
    -- Only a hypertable can carry a continuous aggregate (V3 makes position_history one).
    IF EXISTS (SELECT 1 FROM timescaledb_information.hypertables
               WHERE hypertable_schema = 'tracksolid' AND hypertable_name = 'position_history') THEN
      continuous := true;
    END IF;
  END IF;
  -- add_continuous_aggregate_policy refuses an owner that cannot log in ("permission denied to
  -- start background process as role ..."), and on a fresh cluster tracksolid_owner is still
  -- NOLOGIN here (afterMigrate.sql grants LOGIN only after all migrations). So it gets LOGIN now,
  -- without a password as in afterMigrate.sql; a login that may not grant it keeps the table form,
  -- since an aggregate without its refresh policy would never fill.
  IF continuous AND NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tracksolid_owner') THEN
    BEGIN
      ALTER ROLE tracksolid_owner LOGIN PASSWORD NULL;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'cannot give tracksolid_owner LOGIN: reporting.positions_15m is a table';
      continuous := false;
    END;
  END IF;
  IF continuous THEN
    -- WITH NO DATA: a continuous aggregate created WITH DATA cannot be created inside the
    -- migration's transaction; the policy fills it.
    EXECUTE $cagg$
      CREATE MATERIALIZED VIEW reporting.positions_15m
      WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT p.imei,
             time_bucket(interval '15 minutes', p.gps_time)                   AS bucket,
             count(*)                                                         AS fixes,
             sum(CASE WHEN p.speed_kmh > 3 THEN 1 ELSE 0 END)                 AS moving_fixes,
             max(p.speed_kmh)                                                 AS max_speed_kmh,
             min(p.gps_time)                                                  AS first_fix_at,
             max(p.gps_time)                                                  AS last_fix_at,
             avg(EXTRACT(epoch FROM p.received_at - p.gps_time))              AS avg_ingest_lag_s,
             max(EXTRACT(epoch FROM p.received_at - p.gps_time))              AS max_ingest_lag_s
      FROM tracksolid.position_history p
      GROUP BY p.imei, time_bucket(interval '15 minutes', p.gps_time)
      WITH NO DATA$cagg$;
    -- Owned like every other object; the policy job runs as the owner (TimescaleDB 2.x supports
    -- OWNER TO on a continuous aggregate through ALTER MATERIALIZED VIEW, not ALTER VIEW).
    ALTER MATERIALIZED VIEW reporting.positions_15m OWNER TO tracksolid_owner;
    PERFORM add_continuous_aggregate_policy('reporting.positions_15m',
        start_offset => interval '10 days', end_offset => interval '15 minutes',
        schedule_interval => interval '15 minutes', if_not_exists => true);
  ELSE
    CREATE TABLE reporting.positions_15m (
      imei              text             NOT NULL,
      bucket            timestamptz      NOT NULL,
      fixes             bigint           NOT NULL,
      moving_fixes      bigint           NOT NULL,
      max_speed_kmh     double precision,
      first_fix_at      timestamptz      NOT NULL,
      last_fix_at       timestamptz      NOT NULL,
      avg_ingest_lag_s  numeric,
      max_ingest_lag_s  numeric,
      PRIMARY KEY (imei, bucket)
    );
    CREATE INDEX positions_15m_bucket_idx ON reporting.positions_15m (bucket);
  END IF;
END
$$;
