-- The daily rollups: reporting.daily_vehicle_summary and reporting.daily_alarm_counts (and the
-- table form of reporting.positions_15m). A tick of the reporting refresh job calls
-- reporting.refresh_rollups(now), which recomputes whole (day, vehicle) rows for the trailing
-- rollup window plus the days that backfill or manual runs touched since the previous tick, and
-- writes only rows whose figures changed. Repeatable: CREATE OR REPLACE only.

-- Recomputes local days p_from..p_to for every known vehicle. Returns the rows written (inserted
-- or changed); unchanged rows are not touched.
--
-- Within a day: driving is the union of the trips, idle the union of the idling stops less
-- driving, parked the union of the parking stops less both; engine-on is driving plus idle and
-- unaccounted the rest of the day. Intervals are clipped at local midnight; a trip's distance is
-- shared between its days in proportion to its time in each. An open stop (no end yet) counts
-- until p_as_of; an open trip is only flagged.
CREATE OR REPLACE FUNCTION reporting.refresh_rollup_range(p_from date, p_to date, p_as_of timestamptz)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  s reporting.settings%ROWTYPE;
  lo timestamptz;
  hi timestamptz;
  n integer;
  changed integer := 0;
BEGIN
  IF p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
    RETURN 0;
  END IF;
  SELECT * INTO s FROM reporting.settings WHERE id;
  lo := p_from::timestamp AT TIME ZONE s.time_zone;
  hi := (p_to + 1)::timestamp AT TIME ZONE s.time_zone;

  WITH days AS (
    SELECT d::date AS day,
           d::date::timestamp AT TIME ZONE s.time_zone AS day_start,
           (d::date + 1)::timestamp AT TIME ZONE s.time_zone AS day_end
    FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') AS d
  ),
  vehicles AS (
    SELECT dv.imei FROM tracksolid.devices dv
    UNION
    SELECT DISTINCT t.imei FROM tracksolid.trips t
    WHERE t.start_time >= lo - interval '2 days' AND t.start_time < hi
  ),
  grid AS (
    SELECT v.imei, d.day, d.day_start, d.day_end, tstzrange(d.day_start, d.day_end) AS r,
           COALESCE(vs.used_min_distance_m, s.used_min_distance_m) AS used_min,
           COALESCE(vs.excess_idle, s.excess_idle) AS excess_idle,
           CASE WHEN EXTRACT(isodow FROM d.day)::smallint = ANY (COALESCE(vs.work_days, s.work_days))
                THEN tstzmultirange(tstzrange((d.day + COALESCE(vs.work_start, s.work_start)) AT TIME ZONE s.time_zone,
                                              (d.day + COALESCE(vs.work_end, s.work_end)) AT TIME ZONE s.time_zone))
                ELSE '{}'::tstzmultirange END AS work,
           tstzmultirange(tstzrange((d.day + s.night_start) AT TIME ZONE s.time_zone,
                                    (d.day + s.night_end) AT TIME ZONE s.time_zone)) AS night
    FROM vehicles v
    CROSS JOIN days d
    LEFT JOIN reporting.vehicle_settings vs ON vs.imei = v.imei
  ),
  -- Trips are assumed shorter than two days; longer ones are implausible anyway.
  trip_src AS (
    SELECT t.imei, t.start_time, t.end_time, COALESCE(t.distance_m, 0) AS distance_m, t.max_speed_kmh,
           CASE WHEN t.end_time > t.start_time THEN reporting.seconds_between(t.start_time, t.end_time) END AS dur_s
    FROM tracksolid.trips t
    WHERE t.start_time >= lo - interval '2 days' AND t.start_time < hi
      AND (t.end_time > lo OR t.start_time >= lo)
  ),
  trip_day AS (
    SELECT g.imei, g.day,
           count(*) FILTER (WHERE t.start_time >= g.day_start) AS trips,
           range_agg(tstzrange(t.start_time, t.end_time) * g.r) FILTER (WHERE t.dur_s IS NOT NULL) AS drv,
           sum(CASE WHEN t.dur_s IS NOT NULL
                    THEN t.distance_m * reporting.seconds_between(GREATEST(t.start_time, g.day_start),
                                                                  LEAST(t.end_time, g.day_end)) / t.dur_s
                    WHEN t.start_time >= g.day_start THEN t.distance_m ELSE 0 END) AS distance_m,
           max(t.max_speed_kmh) AS max_speed_kmh,
           min(GREATEST(t.start_time, g.day_start)) AS first_move_at,
           max(LEAST(t.end_time, g.day_end)) AS last_stop_at,
           bool_or(t.end_time IS NULL) AS open_trip,
           bool_or(t.dur_s > 0 AND t.distance_m / t.dur_s * 3.6 > 200) AS implausible
    FROM grid g
    JOIN trip_src t ON t.imei = g.imei AND t.start_time < g.day_end
     AND (t.end_time > g.day_start OR t.start_time >= g.day_start)
    GROUP BY g.imei, g.day
  ),
  stop_src AS (
    SELECT p.imei, p.kind, p.start_time, COALESCE(p.end_time, GREATEST(p_as_of, p.start_time)) AS end_time
    FROM tracksolid.parking p
    WHERE p.start_time < hi AND (p.end_time > lo OR p.end_time IS NULL)
  ),
  stop_day AS (
    SELECT g.imei, g.day,
           range_agg(tstzrange(p.start_time, p.end_time) * g.r) FILTER (WHERE p.kind = 'idling') AS idl,
           range_agg(tstzrange(p.start_time, p.end_time) * g.r) FILTER (WHERE p.kind = 'parking') AS prk,
           range_agg(tstzrange(p.start_time, p.end_time) * g.r)
             FILTER (WHERE p.kind = 'idling' AND p.end_time - p.start_time > g.excess_idle) AS excess
    FROM grid g
    JOIN stop_src p ON p.imei = g.imei AND p.start_time < g.day_end AND p.end_time > g.day_start
    GROUP BY g.imei, g.day
  ),
  fix_src AS (
    SELECT f.imei, (f.gps_time AT TIME ZONE s.time_zone)::date AS day, f.speed_kmh,
           reporting.distance_m(lag(f.lat) OVER w, lag(f.lng) OVER w, f.lat, f.lng) AS step_m
    FROM tracksolid.position_history f
    WHERE f.gps_time >= lo AND f.gps_time < hi
    WINDOW w AS (PARTITION BY f.imei ORDER BY f.gps_time)
  ),
  fix_day AS (
    SELECT f.imei, f.day, count(*) AS fixes, COALESCE(sum(f.step_m), 0) AS gps_m, max(f.speed_kmh) AS max_speed_kmh
    FROM fix_src f GROUP BY f.imei, f.day
  ),
  alarm_cat AS (
    SELECT a.imei, (a.alarm_time AT TIME ZONE s.time_zone)::date AS day, COALESCE(t.category, 'other') AS category,
           count(*) AS n
    FROM tracksolid.alarms a LEFT JOIN reporting.alarm_types t ON t.code = a.alarm_type
    WHERE a.alarm_time >= lo AND a.alarm_time < hi
    GROUP BY 1, 2, 3
  ),
  alarm_day AS (
    SELECT c.imei, c.day, sum(c.n)::integer AS alarms, jsonb_object_agg(c.category, c.n) AS by_category
    FROM alarm_cat c GROUP BY c.imei, c.day
  ),
  speed_day AS (
    SELECT o.imei, (o.start_time AT TIME ZONE s.time_zone)::date AS day, count(*)::integer AS episodes
    FROM reporting.overspeed_episodes(lo, hi) o GROUP BY 1, 2
  ),
  calc AS (
    SELECT g.*, td.trips, td.distance_m AS trip_m, td.max_speed_kmh AS trip_max, td.first_move_at, td.last_stop_at,
           td.open_trip, td.implausible, fd.fixes, fd.gps_m, fd.max_speed_kmh AS fix_max, ad.alarms,
           ad.by_category, sp.episodes, sd.excess,
           (td.imei IS NULL AND sd.imei IS NULL AND fd.imei IS NULL AND ad.imei IS NULL) AS no_data,
           td.imei IS NOT NULL AS has_trips,
           COALESCE(td.drv, '{}'::tstzmultirange) AS drv,
           COALESCE(sd.idl, '{}'::tstzmultirange) - COALESCE(td.drv, '{}'::tstzmultirange) AS idl,
           COALESCE(sd.prk, '{}'::tstzmultirange) - COALESCE(td.drv, '{}'::tstzmultirange)
             - COALESCE(sd.idl, '{}'::tstzmultirange) AS prk
    FROM grid g
    LEFT JOIN trip_day td ON td.imei = g.imei AND td.day = g.day
    LEFT JOIN stop_day sd ON sd.imei = g.imei AND sd.day = g.day
    LEFT JOIN fix_day fd ON fd.imei = g.imei AND fd.day = g.day
    LEFT JOIN alarm_day ad ON ad.imei = g.imei AND ad.day = g.day
    LEFT JOIN speed_day sp ON sp.imei = g.imei AND sp.day = g.day
  ),
  rows_out AS (
    SELECT c.day, c.imei, c.day_start, c.day_end,
           reporting.seconds_between(c.day_start, c.day_end)::integer AS day_seconds,
           COALESCE(c.trips, 0)::integer AS trips,
           CASE WHEN c.has_trips THEN c.trip_m WHEN COALESCE(c.fixes, 0) > 1 THEN c.gps_m ELSE 0 END AS distance_m,
           CASE WHEN c.has_trips THEN 'trips' WHEN COALESCE(c.fixes, 0) > 1 AND c.gps_m > 0 THEN 'gps'
                ELSE 'none' END AS distance_source,
           COALESCE(c.trip_m, 0) AS trip_distance_m,
           COALESCE(c.gps_m, 0) AS gps_distance_m,
           reporting.seconds_in(c.drv)::integer AS driving_s,
           reporting.seconds_in(c.idl)::integer AS idle_s,
           reporting.seconds_in(COALESCE(c.excess, '{}'::tstzmultirange) * c.idl)::integer AS excess_idle_s,
           reporting.seconds_in(c.prk)::integer AS parked_s,
           reporting.seconds_in(c.drv + c.idl)::integer AS engine_on_s,
           (reporting.seconds_between(c.day_start, c.day_end)
             - reporting.seconds_in(c.drv + c.idl + c.prk))::integer AS unaccounted_s,
           GREATEST(c.trip_max, c.fix_max) AS max_speed_kmh,
           c.first_move_at, c.last_stop_at,
           lower(c.drv + c.idl) AS shift_start, upper(c.drv + c.idl) AS shift_end,
           b.periods AS driving_periods, b.breaks, b.longest_s::integer AS longest_continuous_driving_s,
           reporting.seconds_in(c.drv * c.night)::integer AS night_driving_s,
           reporting.seconds_in(c.drv - c.work)::integer AS after_hours_driving_s,
           COALESCE(c.fixes, 0)::integer AS fixes,
           COALESCE(c.alarms, 0) AS alarms,
           COALESCE(c.by_category, '{}'::jsonb) AS alarms_by_category,
           COALESCE(c.episodes, 0) AS overspeed_episodes,
           (CASE WHEN c.has_trips THEN c.trip_m WHEN COALESCE(c.fixes, 0) > 1 THEN c.gps_m ELSE 0 END) >= c.used_min
             AND (c.has_trips OR COALESCE(c.gps_m, 0) > 0) AS used,
           array_remove(ARRAY[
             CASE WHEN c.no_data THEN 'no_data' END,
             CASE WHEN NOT c.has_trips AND COALESCE(c.gps_m, 0) >= GREATEST(c.used_min, 500) THEN 'moved_without_trips' END,
             CASE WHEN c.has_trips AND COALESCE(c.fixes, 0) >= 10
                       AND abs(c.trip_m - c.gps_m) > GREATEST(1000, 0.25 * GREATEST(c.trip_m, c.gps_m))
                  THEN 'distance_mismatch' END,
             CASE WHEN c.implausible THEN 'implausible_trip_speed' END,
             CASE WHEN c.open_trip THEN 'open_trip' END], NULL) AS flags
    FROM calc c
    CROSS JOIN LATERAL reporting.driving_blocks(c.drv, s.eu_break) b
  )
  INSERT INTO reporting.daily_vehicle_summary AS t
    (day, imei, day_start, day_end, day_seconds, trips, distance_m, distance_source, trip_distance_m, gps_distance_m,
     driving_s, idle_s, excess_idle_s, parked_s, engine_on_s, unaccounted_s, max_speed_kmh, first_move_at,
     last_stop_at, shift_start, shift_end, driving_periods, breaks, longest_continuous_driving_s, night_driving_s,
     after_hours_driving_s, fixes, alarms, alarms_by_category, overspeed_episodes, used, flags, computed_at)
  SELECT day, imei, day_start, day_end, day_seconds, trips, distance_m, distance_source, trip_distance_m,
         gps_distance_m, driving_s, idle_s, excess_idle_s, parked_s, engine_on_s, unaccounted_s, max_speed_kmh,
         first_move_at, last_stop_at, shift_start, shift_end, driving_periods, breaks, longest_continuous_driving_s,
         night_driving_s, after_hours_driving_s, fixes, alarms, alarms_by_category, overspeed_episodes, used, flags,
         p_as_of
  FROM rows_out
  ON CONFLICT (day, imei) DO UPDATE SET
    day_start = EXCLUDED.day_start, day_end = EXCLUDED.day_end, day_seconds = EXCLUDED.day_seconds,
    trips = EXCLUDED.trips, distance_m = EXCLUDED.distance_m, distance_source = EXCLUDED.distance_source,
    trip_distance_m = EXCLUDED.trip_distance_m, gps_distance_m = EXCLUDED.gps_distance_m,
    driving_s = EXCLUDED.driving_s, idle_s = EXCLUDED.idle_s, excess_idle_s = EXCLUDED.excess_idle_s,
    parked_s = EXCLUDED.parked_s, engine_on_s = EXCLUDED.engine_on_s, unaccounted_s = EXCLUDED.unaccounted_s,
    max_speed_kmh = EXCLUDED.max_speed_kmh, first_move_at = EXCLUDED.first_move_at,
    last_stop_at = EXCLUDED.last_stop_at, shift_start = EXCLUDED.shift_start, shift_end = EXCLUDED.shift_end,
    driving_periods = EXCLUDED.driving_periods, breaks = EXCLUDED.breaks,
    longest_continuous_driving_s = EXCLUDED.longest_continuous_driving_s,
    night_driving_s = EXCLUDED.night_driving_s, after_hours_driving_s = EXCLUDED.after_hours_driving_s,
    fixes = EXCLUDED.fixes, alarms = EXCLUDED.alarms, alarms_by_category = EXCLUDED.alarms_by_category,
    overspeed_episodes = EXCLUDED.overspeed_episodes, used = EXCLUDED.used, flags = EXCLUDED.flags,
    computed_at = EXCLUDED.computed_at
  WHERE (t.day_start, t.day_end, t.day_seconds, t.trips, t.distance_m, t.distance_source, t.trip_distance_m,
         t.gps_distance_m, t.driving_s, t.idle_s, t.excess_idle_s, t.parked_s, t.engine_on_s, t.unaccounted_s,
         t.max_speed_kmh, t.first_move_at, t.last_stop_at, t.shift_start, t.shift_end, t.driving_periods, t.breaks,
         t.longest_continuous_driving_s, t.night_driving_s, t.after_hours_driving_s, t.fixes, t.alarms,
         t.alarms_by_category, t.overspeed_episodes, t.used, t.flags)
        IS DISTINCT FROM
        (EXCLUDED.day_start, EXCLUDED.day_end, EXCLUDED.day_seconds, EXCLUDED.trips, EXCLUDED.distance_m,
         EXCLUDED.distance_source, EXCLUDED.trip_distance_m, EXCLUDED.gps_distance_m, EXCLUDED.driving_s,
         EXCLUDED.idle_s, EXCLUDED.excess_idle_s, EXCLUDED.parked_s, EXCLUDED.engine_on_s, EXCLUDED.unaccounted_s,
         EXCLUDED.max_speed_kmh, EXCLUDED.first_move_at, EXCLUDED.last_stop_at, EXCLUDED.shift_start,
         EXCLUDED.shift_end, EXCLUDED.driving_periods, EXCLUDED.breaks, EXCLUDED.longest_continuous_driving_s,
         EXCLUDED.night_driving_s, EXCLUDED.after_hours_driving_s, EXCLUDED.fixes, EXCLUDED.alarms,
         EXCLUDED.alarms_by_category, EXCLUDED.overspeed_episodes, EXCLUDED.used, EXCLUDED.flags);
  GET DIAGNOSTICS n = ROW_COUNT;
  changed := changed + n;

  -- Alarm counts per local day, vehicle and type; the catalogue gives category and severity.
  INSERT INTO reporting.daily_alarm_counts AS c
    (day, imei, alarm_type, day_start, day_end, day_seconds, alarm_name, category, severity, alarms, push_only,
     poll_only, both_sources, computed_at)
  SELECT x.day, x.imei, x.alarm_type, x.day::timestamp AT TIME ZONE s.time_zone,
         (x.day + 1)::timestamp AT TIME ZONE s.time_zone,
         reporting.seconds_between(x.day::timestamp AT TIME ZONE s.time_zone,
                                   (x.day + 1)::timestamp AT TIME ZONE s.time_zone)::integer,
         COALESCE(t.name, x.alarm_name), COALESCE(t.category, 'other'), COALESCE(t.severity, 'low'),
         x.alarms, x.push_only, x.poll_only, x.both_sources, p_as_of
  FROM (
    SELECT (a.alarm_time AT TIME ZONE s.time_zone)::date AS day, a.imei, a.alarm_type, max(a.alarm_name) AS alarm_name,
           count(*)::integer AS alarms,
           (count(*) FILTER (WHERE a.seen_by_push AND NOT a.seen_by_poll))::integer AS push_only,
           (count(*) FILTER (WHERE a.seen_by_poll AND NOT a.seen_by_push))::integer AS poll_only,
           (count(*) FILTER (WHERE a.seen_by_poll AND a.seen_by_push))::integer AS both_sources
    FROM tracksolid.alarms a
    WHERE a.alarm_time >= lo AND a.alarm_time < hi
    GROUP BY 1, 2, 3
  ) x
  LEFT JOIN reporting.alarm_types t ON t.code = x.alarm_type
  ON CONFLICT (day, imei, alarm_type) DO UPDATE SET
    day_start = EXCLUDED.day_start, day_end = EXCLUDED.day_end, day_seconds = EXCLUDED.day_seconds,
    alarm_name = EXCLUDED.alarm_name, category = EXCLUDED.category, severity = EXCLUDED.severity,
    alarms = EXCLUDED.alarms, push_only = EXCLUDED.push_only, poll_only = EXCLUDED.poll_only,
    both_sources = EXCLUDED.both_sources, computed_at = EXCLUDED.computed_at
  WHERE (c.day_start, c.day_end, c.day_seconds, c.alarm_name, c.category, c.severity, c.alarms, c.push_only,
         c.poll_only, c.both_sources)
        IS DISTINCT FROM
        (EXCLUDED.day_start, EXCLUDED.day_end, EXCLUDED.day_seconds, EXCLUDED.alarm_name, EXCLUDED.category,
         EXCLUDED.severity, EXCLUDED.alarms, EXCLUDED.push_only, EXCLUDED.poll_only, EXCLUDED.both_sources);
  GET DIAGNOSTICS n = ROW_COUNT;
  changed := changed + n;
  DELETE FROM reporting.daily_alarm_counts c
  WHERE c.day BETWEEN p_from AND p_to
    AND NOT EXISTS (SELECT 1 FROM tracksolid.alarms a
                    WHERE a.imei = c.imei AND a.alarm_type = c.alarm_type
                      AND a.alarm_time >= c.day::timestamp AT TIME ZONE s.time_zone
                      AND a.alarm_time < (c.day + 1)::timestamp AT TIME ZONE s.time_zone);
  GET DIAGNOSTICS n = ROW_COUNT;
  changed := changed + n;

  -- The table form of positions_15m (a continuous aggregate on TimescaleDB keeps itself).
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
             WHERE ns.nspname = 'reporting' AND c.relname = 'positions_15m' AND c.relkind = 'r') THEN
    INSERT INTO reporting.positions_15m AS q
      (imei, bucket, fixes, moving_fixes, max_speed_kmh, first_fix_at, last_fix_at, avg_ingest_lag_s,
       max_ingest_lag_s)
    SELECT p.imei, date_bin(interval '15 minutes', p.gps_time, timestamptz '2000-01-03 00:00:00+00'),
           count(*), sum(CASE WHEN p.speed_kmh > 3 THEN 1 ELSE 0 END), max(p.speed_kmh), min(p.gps_time),
           max(p.gps_time), avg(EXTRACT(epoch FROM p.received_at - p.gps_time)),
           max(EXTRACT(epoch FROM p.received_at - p.gps_time))
    FROM tracksolid.position_history p
    WHERE p.gps_time >= lo AND p.gps_time < hi
    GROUP BY 1, 2
    ON CONFLICT (imei, bucket) DO UPDATE SET
      fixes = EXCLUDED.fixes, moving_fixes = EXCLUDED.moving_fixes, max_speed_kmh = EXCLUDED.max_speed_kmh,
      first_fix_at = EXCLUDED.first_fix_at, last_fix_at = EXCLUDED.last_fix_at,
      avg_ingest_lag_s = EXCLUDED.avg_ingest_lag_s, max_ingest_lag_s = EXCLUDED.max_ingest_lag_s
    WHERE (q.fixes, q.moving_fixes, q.max_speed_kmh, q.first_fix_at, q.last_fix_at, q.avg_ingest_lag_s,
           q.max_ingest_lag_s)
          IS DISTINCT FROM
          (EXCLUDED.fixes, EXCLUDED.moving_fixes, EXCLUDED.max_speed_kmh, EXCLUDED.first_fix_at,
           EXCLUDED.last_fix_at, EXCLUDED.avg_ingest_lag_s, EXCLUDED.max_ingest_lag_s);
    DELETE FROM reporting.positions_15m q
    WHERE q.bucket >= lo AND q.bucket < hi
      AND NOT EXISTS (SELECT 1 FROM tracksolid.position_history p
                      WHERE p.imei = q.imei AND p.gps_time >= q.bucket AND p.gps_time < q.bucket + interval '15 minutes');
  END IF;
  RETURN changed;
END
$fn$;

-- One tick: the trailing window (REPORTING_ROLLUP_WINDOW back from p_as_of, in whole local
-- days, up to today) plus the days older than that which backfill or manual runs wrote since
-- the previous tick (their ingestion_log windows; an hour's overlap covers runs that committed
-- late). Returns one row per recomputed range.
CREATE OR REPLACE FUNCTION reporting.refresh_rollups(p_as_of timestamptz)
RETURNS TABLE (range_from date, range_to date, rows_changed integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  s reporting.settings%ROWTYPE;
  st reporting.rollup_state%ROWTYPE;
  today date;
  w_from date;
  rec record;
  t0 timestamptz := clock_timestamp();
  total integer := 0;
BEGIN
  -- One tick at a time, also against a rebuild.
  PERFORM pg_advisory_xact_lock(7347120014);
  SELECT * INTO s FROM reporting.settings WHERE id;
  SELECT * INTO st FROM reporting.rollup_state WHERE id;
  today := (p_as_of AT TIME ZONE s.time_zone)::date;
  w_from := ((p_as_of - s.rollup_window) AT TIME ZONE s.time_zone)::date;
  FOR rec IN
    WITH touched AS (
      SELECT DISTINCT g::date AS day
      FROM tracksolid.ingestion_log l
      CROSS JOIN LATERAL generate_series((l.window_start AT TIME ZONE s.time_zone)::date::timestamp,
                                         LEAST((l.window_end AT TIME ZONE s.time_zone)::date, w_from - 1)::timestamp,
                                         interval '1 day') AS g
      WHERE l.run_kind IN ('backfill', 'manual') AND l.status = 'ok'
        AND l.rows_inserted + l.rows_updated > 0
        AND l.window_start IS NOT NULL AND l.window_end IS NOT NULL
        AND l.window_start < (w_from::timestamp AT TIME ZONE s.time_zone)
        AND (st.last_tick_at IS NULL OR l.finished_at > st.last_tick_at - interval '1 hour')
    )
    SELECT min(day) AS f, max(day) AS t
    FROM (SELECT day, day - (row_number() OVER (ORDER BY day))::integer AS grp FROM touched) x
    GROUP BY grp ORDER BY 1
  LOOP
    range_from := rec.f;
    range_to := rec.t;
    rows_changed := reporting.refresh_rollup_range(rec.f, rec.t, p_as_of);
    total := total + rows_changed;
    RETURN NEXT;
  END LOOP;
  range_from := w_from;
  range_to := today;
  rows_changed := reporting.refresh_rollup_range(w_from, today, p_as_of);
  total := total + rows_changed;
  RETURN NEXT;
  UPDATE reporting.rollup_state
     SET last_tick_at = p_as_of, last_window = daterange(w_from, today, '[]'), last_rows_changed = total,
         last_duration_ms = (EXTRACT(epoch FROM clock_timestamp() - t0) * 1000)::bigint, time_zone = s.time_zone
   WHERE id;
END
$fn$;

-- Recomputes any range of local days, a month at a time; with no arguments, from the first day
-- with data to today. Run it after changing REPORTING_TIME_ZONE or the alarm catalogue.
CREATE OR REPLACE FUNCTION reporting.rebuild_rollups(p_from date DEFAULT NULL, p_to date DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  tz text;
  f date;
  t date;
  chunk_end date;
  total integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(7347120014);
  SELECT time_zone INTO tz FROM reporting.settings WHERE id;
  f := COALESCE(p_from, (SELECT (LEAST((SELECT min(start_time) FROM tracksolid.trips),
                                       (SELECT min(start_time) FROM tracksolid.parking),
                                       (SELECT min(gps_time) FROM tracksolid.position_history),
                                       (SELECT min(alarm_time) FROM tracksolid.alarms)) AT TIME ZONE tz)::date));
  t := COALESCE(p_to, (now() AT TIME ZONE tz)::date);
  IF f IS NULL OR t < f THEN
    RETURN 0;
  END IF;
  -- Rows of a former zone that no longer line up with its days.
  DELETE FROM reporting.daily_vehicle_summary WHERE day BETWEEN f AND t
    AND day_start <> day::timestamp AT TIME ZONE tz;
  DELETE FROM reporting.daily_alarm_counts WHERE day BETWEEN f AND t
    AND day_start <> day::timestamp AT TIME ZONE tz;
  WHILE f <= t LOOP
    chunk_end := LEAST(t, f + 30);
    total := total + reporting.refresh_rollup_range(f, chunk_end, now());
    f := chunk_end + 1;
  END LOOP;
  UPDATE reporting.rollup_state SET time_zone = tz WHERE id;
  RETURN total;
END
$fn$;

REVOKE ALL ON FUNCTION reporting.refresh_rollup_range(date, date, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION reporting.refresh_rollups(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION reporting.rebuild_rollups(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.refresh_rollups(timestamptz) TO tracksolid_ingest;
