-- Pipeline health per allow-listed stream and account at a given instant, computed from
-- tracksolid.ingestion_log. Only pipeline runs count (run_kind 'scheduled' from the pollers,
-- 'push' from the webhook): backfills, manual tools and jobs write to the same log but can never
-- wedge health. The service calls it with its injected clock (/health/ingest); the view below
-- calls it with now(). Poll streams are judged per configured, active account
-- (tracksolid.ingest_accounts); webhook streams once, account ''.
--
--   required streams:  ok       last success within stale_after
--                      stale    last success within failing_after
--                      failing  older, or never succeeded
--                      idle     a poll stream (except poll.devices) of an account with no active device
--   optional streams:  failing  the latest run is an error, within failing_after
--                      ok       last success within stale_after
--                      idle     otherwise (informational, including never received)
--   any stream:        grace    instead of stale/failing while as_of < first_started_at + grace
--
-- SECURITY DEFINER because the view is read by tracksolid_reader, who cannot see tracksolid.*.
-- jit = off: the function reads a handful of rows through index probes; compiling it with JIT
-- cost ~0.9 s per call on a fresh install.
CREATE OR REPLACE FUNCTION reporting.ingest_health(as_of timestamptz)
RETURNS TABLE (
  stream           text,
  account          text,
  last_success_at  timestamptz,
  last_error_at    timestamptz,
  kind             text,
  status           text,
  age_seconds      bigint,
  rows_in_window   bigint,
  runs_in_window   bigint,
  stale_after      interval,
  failing_after    interval,
  optional         boolean,
  in_grace         boolean,
  rows_window      interval)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
  WITH
  settings AS (
    SELECT COALESCE((SELECT s.first_started_at FROM tracksolid.ingest_health_settings s), as_of) AS first_started_at,
           COALESCE((SELECT s.grace FROM tracksolid.ingest_health_settings s), interval '30 minutes') AS grace,
           COALESCE((SELECT s.rows_window FROM tracksolid.ingest_health_settings s), interval '1 hour') AS rows_window
  ),
  -- Poll streams are judged per configured, active account (none when polling is off or no
  -- account is configured); webhook streams once, account ''. Log rows of other accounts are ignored.
  pairs AS (
    SELECT st.stream, a.account
    FROM tracksolid.ingest_streams st
    JOIN tracksolid.ingest_accounts a ON a.active
    WHERE st.kind = 'poll'
    UNION ALL
    SELECT st.stream, ''
    FROM tracksolid.ingest_streams st
    WHERE st.kind = 'webhook'
  ),
  facts AS (
    SELECT p.stream, p.account, st.kind, st.stale_after, st.failing_after, st.optional,
           (SELECT max(l.finished_at) FROM tracksolid.ingestion_log l
             WHERE l.stream = p.stream AND l.account = p.account AND l.status = 'ok'
               AND l.run_kind IN ('scheduled', 'push')) AS last_success_at,
           (SELECT max(l.finished_at) FROM tracksolid.ingestion_log l
             WHERE l.stream = p.stream AND l.account = p.account AND l.status = 'error'
               AND l.run_kind IN ('scheduled', 'push')) AS last_error_at,
           w.rows_in_window, w.runs_in_window,
           as_of < s.first_started_at + s.grace AS in_grace,
           s.rows_window,
           -- The pollers skip an account without active devices and log nothing; the device sync
           -- still runs, so poll.devices keeps its own judgement.
           (st.kind = 'poll' AND p.stream <> 'poll.devices'
             AND NOT EXISTS (SELECT 1 FROM tracksolid.devices d WHERE d.account = p.account AND d.active)) AS no_devices
    FROM pairs p
    JOIN tracksolid.ingest_streams st ON st.stream = p.stream
    CROSS JOIN settings s
    CROSS JOIN LATERAL (
      SELECT COALESCE(sum(l.rows_inserted + l.rows_updated), 0)::bigint AS rows_in_window,
             count(*)::bigint AS runs_in_window
      FROM tracksolid.ingestion_log l
      WHERE l.stream = p.stream AND l.account = p.account AND l.run_kind IN ('scheduled', 'push')
        AND l.finished_at > as_of - s.rows_window AND l.finished_at <= as_of
    ) w
  ),
  judged AS (
    SELECT f.*,
      CASE
        WHEN NOT f.optional THEN
          CASE
            WHEN f.no_devices THEN 'idle'
            WHEN f.last_success_at IS NOT NULL AND as_of - f.last_success_at <= f.stale_after THEN 'ok'
            WHEN f.last_success_at IS NOT NULL AND as_of - f.last_success_at <= f.failing_after THEN 'stale'
            ELSE 'failing'
          END
        WHEN f.last_error_at IS NOT NULL
             AND f.last_error_at > COALESCE(f.last_success_at, '-infinity'::timestamptz)
             AND as_of - f.last_error_at <= f.failing_after THEN 'failing'
        WHEN f.last_success_at IS NOT NULL AND as_of - f.last_success_at <= f.stale_after THEN 'ok'
        ELSE 'idle'
      END AS raw_status
    FROM facts f
  )
  SELECT j.stream, j.account, j.last_success_at, j.last_error_at, j.kind,
         CASE WHEN j.in_grace AND j.raw_status IN ('stale', 'failing') THEN 'grace' ELSE j.raw_status END,
         CASE WHEN j.last_success_at IS NULL THEN NULL
              ELSE GREATEST(0, floor(extract(epoch FROM as_of - j.last_success_at)))::bigint END,
         j.rows_in_window, j.runs_in_window, j.stale_after, j.failing_after, j.optional, j.in_grace, j.rows_window
  FROM judged j
  ORDER BY j.stream, j.account
$$;
REVOKE ALL ON FUNCTION reporting.ingest_health(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.ingest_health(timestamptz) TO tracksolid_ingest, tracksolid_reader;

-- Analysts' name for "health now", with the allow-list and thresholds above.
CREATE OR REPLACE VIEW reporting.v_ingest_health AS
SELECT * FROM reporting.ingest_health(now());
