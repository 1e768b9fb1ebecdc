-- Analyst functions over the raw tables, and the helpers the rollups share. Functions that read
-- tracksolid.* are SECURITY DEFINER (owner's rights, fixed search_path): tracksolid_reader may
-- call them but has no rights on tracksolid.* itself. Repeatable: CREATE OR REPLACE only, so
-- objects in other files that depend on these are never dropped by a re-run.

-- Seconds covered by a multirange (timestamptz differences are absolute, so DST days are right).
CREATE OR REPLACE FUNCTION reporting.seconds_in(m tstzmultirange) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(sum(EXTRACT(epoch FROM upper(r)) - EXTRACT(epoch FROM lower(r))), 0)::bigint
  FROM unnest(m) AS r
$$;

CREATE OR REPLACE FUNCTION reporting.seconds_between(a timestamptz, b timestamptz) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (EXTRACT(epoch FROM b) - EXTRACT(epoch FROM a))::double precision
$$;

-- Great-circle distance in metres (haversine, mean Earth radius).
CREATE OR REPLACE FUNCTION reporting.distance_m(lat1 double precision, lng1 double precision,
                                                lat2 double precision, lng2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 2 * 6371008.8 * asin(sqrt(power(sin(radians(lat2 - lat1) / 2), 2)
         + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lng2 - lng1) / 2), 2)))
$$;

-- Driving periods of one day: how many, how many breaks (gaps of at least brk between them),
-- and the longest driving between breaks (EU 561/2006 "continuous driving").
CREATE OR REPLACE FUNCTION reporting.driving_blocks(m tstzmultirange, brk interval,
                                                    OUT periods integer, OUT breaks integer,
                                                    OUT longest_s bigint)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  r tstzrange;
  prev_end timestamptz;
  run bigint := 0;
BEGIN
  periods := 0;
  breaks := 0;
  longest_s := 0;
  IF m IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT x FROM unnest(m) AS x ORDER BY lower(x) LOOP
    periods := periods + 1;
    IF prev_end IS NOT NULL AND lower(r) - prev_end >= brk THEN
      breaks := breaks + 1;
      run := 0;
    END IF;
    run := run + (EXTRACT(epoch FROM upper(r)) - EXTRACT(epoch FROM lower(r)))::bigint;
    longest_s := GREATEST(longest_s, run);
    prev_end := upper(r);
  END LOOP;
END
$$;

-- Overspeed episodes in [p_from, p_to): runs of consecutive fixes over the limit (the vehicle's
-- override, else the setting) lasting at least the minimum duration, where a fix counts until
-- the next fix (at most 5 minutes), united with the vendor's overspeed alarms. source is 'gps'
-- (fixes only), 'both' (an overspeed alarm fell within the episode, give or take a minute) or
-- 'alarm' (an alarm without a matching run of fixes).
CREATE OR REPLACE FUNCTION reporting.overspeed_episodes(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (imei text, start_time timestamptz, end_time timestamptz, duration_s integer,
               max_speed_kmh double precision, fixes integer, limit_kmh double precision, source text,
               alarm_type text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH s AS (SELECT * FROM reporting.settings WHERE id),
  f AS (
    SELECT p.imei, p.gps_time, p.speed_kmh,
           COALESCE(vs.overspeed_kmh, s.overspeed_kmh) AS lim,
           COALESCE(vs.overspeed_min_duration, s.overspeed_min_duration) AS min_d,
           LEAST(lead(p.gps_time) OVER w, p.gps_time + interval '5 minutes') AS until,
           p.speed_kmh > COALESCE(vs.overspeed_kmh, s.overspeed_kmh) AS over
    FROM tracksolid.position_history p
    CROSS JOIN s
    LEFT JOIN reporting.vehicle_settings vs ON vs.imei = p.imei
    WHERE p.gps_time >= p_from AND p.gps_time < p_to AND p.speed_kmh IS NOT NULL
    WINDOW w AS (PARTITION BY p.imei ORDER BY p.gps_time)
  ),
  g AS (
    SELECT f.*, row_number() OVER (PARTITION BY f.imei ORDER BY f.gps_time)
              - row_number() OVER (PARTITION BY f.imei, f.over ORDER BY f.gps_time) AS grp
    FROM f
  ),
  runs AS (
    SELECT g.imei, min(g.gps_time) AS st, max(COALESCE(g.until, g.gps_time)) AS en, max(g.speed_kmh) AS mx,
           count(*)::integer AS n, max(g.lim) AS lim, max(g.min_d) AS min_d
    FROM g WHERE g.over
    GROUP BY g.imei, g.grp
  ),
  gps AS (SELECT * FROM runs WHERE runs.en - runs.st >= runs.min_d),
  al AS (
    SELECT a.imei, a.alarm_time, a.alarm_type, a.speed_kmh
    FROM tracksolid.alarms a
    JOIN reporting.alarm_types t ON t.code = a.alarm_type AND t.category = 'overspeed'
    WHERE a.alarm_time >= p_from AND a.alarm_time < p_to
  )
  SELECT e.imei, e.st, e.en, reporting.seconds_between(e.st, e.en)::integer, e.mx, e.n, e.lim,
         CASE WHEN m.alarm_type IS NULL THEN 'gps' ELSE 'both' END, m.alarm_type
  FROM gps e
  LEFT JOIN LATERAL (
    SELECT al.alarm_type FROM al
    WHERE al.imei = e.imei AND al.alarm_time BETWEEN e.st - interval '1 minute' AND e.en + interval '1 minute'
    ORDER BY al.alarm_time LIMIT 1) m ON true
  UNION ALL
  SELECT al.imei, al.alarm_time, al.alarm_time, 0, al.speed_kmh, 0,
         COALESCE(vs.overspeed_kmh, s.overspeed_kmh), 'alarm', al.alarm_type
  FROM al CROSS JOIN s
  LEFT JOIN reporting.vehicle_settings vs ON vs.imei = al.imei
  WHERE NOT EXISTS (SELECT 1 FROM gps e WHERE e.imei = al.imei
                    AND al.alarm_time BETWEEN e.st - interval '1 minute' AND e.en + interval '1 minute')
  ORDER BY 1, 2
$$;

-- Geofence visits whose enter or exit lies in [p_from, p_to): enter/exit alarms paired per
-- vehicle and fence in time order. status: closed (enter then exit), open (an enter not yet
-- followed by an exit, or followed by another enter) or exit_without_enter.
CREATE OR REPLACE FUNCTION reporting.geofence_visits(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (imei text, geofence_id text, entered_at timestamptz, exited_at timestamptz, duration_s integer,
               status text, enter_lat double precision, enter_lng double precision, address text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH ev AS (
    SELECT a.imei, COALESCE(a.geofence_id, '') AS fence, a.alarm_time, t.category, a.lat, a.lng, a.address
    FROM tracksolid.alarms a
    JOIN reporting.alarm_types t ON t.code = a.alarm_type AND t.category IN ('geofence_in', 'geofence_out')
    WHERE a.alarm_time >= p_from - interval '31 days' AND a.alarm_time < p_to + interval '31 days'
  ),
  seq AS (
    SELECT ev.*, lead(ev.category) OVER w AS next_category, lead(ev.alarm_time) OVER w AS next_time,
           lag(ev.category) OVER w AS prev_category
    FROM ev WINDOW w AS (PARTITION BY ev.imei, ev.fence ORDER BY ev.alarm_time)
  ),
  visits AS (
    SELECT s.imei, s.fence, s.alarm_time AS entered_at,
           CASE WHEN s.next_category = 'geofence_out' THEN s.next_time END AS exited_at,
           CASE WHEN s.next_category = 'geofence_out' THEN 'closed' ELSE 'open' END AS status,
           s.lat, s.lng, s.address
    FROM seq s WHERE s.category = 'geofence_in'
    UNION ALL
    SELECT s.imei, s.fence, NULL, s.alarm_time, 'exit_without_enter', s.lat, s.lng, s.address
    FROM seq s WHERE s.category = 'geofence_out' AND s.prev_category IS DISTINCT FROM 'geofence_in'
  )
  SELECT v.imei, NULLIF(v.fence, ''), v.entered_at, v.exited_at,
         reporting.seconds_between(v.entered_at, v.exited_at)::integer, v.status, v.lat, v.lng, v.address
  FROM visits v
  WHERE (v.entered_at >= p_from AND v.entered_at < p_to) OR (v.exited_at >= p_from AND v.exited_at < p_to)
  ORDER BY v.imei, COALESCE(v.entered_at, v.exited_at)
$$;

-- One vehicle's events in [p_from, p_to) in time order: alarms, trip and stop starts and ends,
-- geofence enters and exits, overspeed episode starts and ends.
CREATE OR REPLACE FUNCTION reporting.vehicle_timeline(p_imei text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (event_time timestamptz, event text, detail text, lat double precision, lng double precision,
               address text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT * FROM (
    SELECT a.alarm_time, 'alarm', COALESCE(t.name, a.alarm_name, a.alarm_type) || ' (' || COALESCE(t.category, 'other')
           || ')', a.lat, a.lng, a.address
    FROM tracksolid.alarms a LEFT JOIN reporting.alarm_types t ON t.code = a.alarm_type
    WHERE a.imei = p_imei AND a.alarm_time >= p_from AND a.alarm_time < p_to
    UNION ALL
    SELECT tr.start_time, 'trip_start', round((tr.distance_m / 1000.0)::numeric, 3) || ' km', tr.start_lat,
           tr.start_lng, tr.start_address
    FROM tracksolid.trips tr
    WHERE tr.imei = p_imei AND tr.start_time >= p_from AND tr.start_time < p_to
    UNION ALL
    SELECT tr.end_time, 'trip_end', round((tr.distance_m / 1000.0)::numeric, 3) || ' km', tr.end_lat, tr.end_lng,
           tr.end_address
    FROM tracksolid.trips tr
    WHERE tr.imei = p_imei AND tr.end_time >= p_from AND tr.end_time < p_to
    UNION ALL
    SELECT p.start_time, p.kind || '_start', NULL, p.lat, p.lng, COALESCE(p.address, NULLIF(p.vendor_address, ''))
    FROM tracksolid.parking p
    WHERE p.imei = p_imei AND p.start_time >= p_from AND p.start_time < p_to
    UNION ALL
    SELECT p.end_time, p.kind || '_end', NULL, p.lat, p.lng, COALESCE(p.address, NULLIF(p.vendor_address, ''))
    FROM tracksolid.parking p
    WHERE p.imei = p_imei AND p.end_time >= p_from AND p.end_time < p_to
    UNION ALL
    SELECT g.entered_at, 'geofence_enter', COALESCE(g.geofence_id, '') || ' ' || g.status, g.enter_lat, g.enter_lng,
           g.address
    FROM reporting.geofence_visits(p_from, p_to) g WHERE g.imei = p_imei AND g.entered_at >= p_from
    UNION ALL
    SELECT g.exited_at, 'geofence_exit', COALESCE(g.geofence_id, '') || ' ' || g.status, NULL, NULL, NULL
    FROM reporting.geofence_visits(p_from, p_to) g WHERE g.imei = p_imei AND g.exited_at < p_to
    UNION ALL
    SELECT o.start_time, 'overspeed_start', round(o.max_speed_kmh::numeric, 1) || ' km/h max (' || o.source || ')',
           NULL, NULL, NULL
    FROM reporting.overspeed_episodes(p_from, p_to) o WHERE o.imei = p_imei
    UNION ALL
    SELECT o.end_time, 'overspeed_end', o.duration_s || ' s', NULL, NULL, NULL
    FROM reporting.overspeed_episodes(p_from, p_to) o WHERE o.imei = p_imei AND o.source <> 'alarm'
  ) x(event_time, event, detail, lat, lng, address)
  ORDER BY x.event_time, x.event
$$;

-- A vehicle's fixes for replay; ranges over 31 days are refused so one call cannot read a
-- year of history.
CREATE OR REPLACE FUNCTION reporting.route(p_imei text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (gps_time timestamptz, lat double precision, lng double precision, speed_kmh double precision,
               direction integer, acc boolean, pos_type text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
    RAISE EXCEPTION 'route: from and to must be given and from must not be after to'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_to - p_from > interval '31 days' THEN
    RAISE EXCEPTION 'route: % to % is longer than 31 days; ask for a shorter range', p_from, p_to
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
    SELECT p.gps_time, p.lat, p.lng, p.speed_kmh, p.direction, p.acc, p.pos_type
    FROM tracksolid.position_history p
    WHERE p.imei = p_imei AND p.gps_time >= p_from AND p.gps_time < p_to
    ORDER BY p.gps_time;
END
$$;

-- Definer functions read raw data: only the reporting roles may call them, not every login.
REVOKE ALL ON FUNCTION reporting.overspeed_episodes(timestamptz, timestamptz),
  reporting.geofence_visits(timestamptz, timestamptz), reporting.vehicle_timeline(text, timestamptz, timestamptz),
  reporting.route(text, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.overspeed_episodes(timestamptz, timestamptz),
  reporting.geofence_visits(timestamptz, timestamptz), reporting.vehicle_timeline(text, timestamptz, timestamptz),
  reporting.route(text, timestamptz, timestamptz) TO tracksolid_reader, tracksolid_ingest;

-- Pure helpers the reporting views call: whoever reads a view needs EXECUTE on its functions.
GRANT EXECUTE ON FUNCTION reporting.seconds_in(tstzmultirange), reporting.seconds_between(timestamptz, timestamptz),
  reporting.distance_m(double precision, double precision, double precision, double precision),
  reporting.driving_blocks(tstzmultirange, interval) TO tracksolid_reader, tracksolid_ingest;
