-- Pipeline health, computed from tracksolid.ingestion_log against an explicit allow-list of
-- streams. Only pipeline runs count (run_kind 'scheduled' from the pollers, 'push' from the
-- webhook): backfills, manual tools and jobs write to the same log but can never wedge health.
--
-- The thresholds in tracksolid.ingest_streams are seeded here and re-written by the service at
-- every start from HEALTH_STALE_AFTER, HEALTH_FAILING_AFTER, HEALTH_THRESHOLDS and
-- HEALTH_REQUIRED_STREAMS (io.fleet.ingest.ops.IngestHealthSettings), so the view and
-- /health/ingest judge with the values the operator configured. Replicas share one config.

CREATE TABLE tracksolid.ingest_streams (
  stream         text     PRIMARY KEY,
  kind           text     NOT NULL CHECK (kind IN ('poll', 'webhook')),
  stale_after    interval NOT NULL,
  failing_after  interval NOT NULL,
  -- Optional streams are informational: silence is 'idle', never a failure. Every webhook stream
  -- is optional by default, since which push types arrive depends on the vendor subscription and
  -- on what the fleet does (an alarm push may not come for days).
  optional       boolean  NOT NULL DEFAULT false,
  CHECK (stale_after > interval '0' AND failing_after >= stale_after)
);

INSERT INTO tracksolid.ingest_streams (stream, kind, stale_after, failing_after, optional) VALUES
  ('poll.alarms',             'poll',    interval '15 minutes', interval '1 hour',  false),
  ('poll.trips',              'poll',    interval '30 minutes', interval '2 hours', false),
  ('poll.parking',            'poll',    interval '30 minutes', interval '2 hours', false),
  ('poll.devices',            'poll',    interval '3 hours',    interval '6 hours', false),
  ('poll.positions',          'poll',    interval '15 minutes', interval '1 hour',  false),
  ('webhook.push',            'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushgps',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushalarm',       'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushevent',       'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushhb',          'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushlbs',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushobd',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushtripreport',  'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushoil',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushtem',         'webhook', interval '15 minutes', interval '1 hour',  true);

-- One row: when the service first started on this database (a fresh install is in grace until
-- first_started_at + grace) and the window "rows in window" covers. The service inserts it at
-- its first start and updates grace/rows_window from config at every start; first_started_at
-- never moves.
CREATE TABLE tracksolid.ingest_health_settings (
  id                boolean     PRIMARY KEY DEFAULT true CHECK (id),
  first_started_at  timestamptz NOT NULL,
  grace             interval    NOT NULL CHECK (grace >= interval '0'),
  rows_window       interval    NOT NULL CHECK (rows_window > interval '0'),
  updated_at        timestamptz NOT NULL
);

-- Jobs record what they removed; pipeline runs leave these at their defaults.
ALTER TABLE tracksolid.ingestion_log
  ADD COLUMN rows_deleted integer NOT NULL DEFAULT 0 CHECK (rows_deleted >= 0),
  ADD COLUMN detail jsonb;

-- Health looks up the latest pipeline run per stream and account; this keeps that an index probe
-- however many backfill or job rows sit in the log.
CREATE INDEX ingestion_log_health_idx ON tracksolid.ingestion_log (stream, account, status, finished_at DESC)
  WHERE run_kind IN ('scheduled', 'push');

-- Status per allow-listed stream and account at a given instant. The service calls it with its
-- injected clock; the view below calls it with now(). Accounts are those that have pipeline
-- runs in the log; a stream without any shows one row with account ''.
--
--   required streams:  ok       last success within stale_after
--                      stale    last success within failing_after
--                      failing  older, or never succeeded
--   optional streams:  failing  the latest run is an error, within failing_after
--                      ok       last success within stale_after
--                      idle     otherwise (informational, including never received)
--   any stream:        grace    instead of stale/failing while as_of < first_started_at + grace
--
-- SECURITY DEFINER because the view is read by tracksolid_reader, who cannot see tracksolid.*.
CREATE FUNCTION reporting.ingest_health(as_of timestamptz)
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
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE
  settings AS (
    SELECT COALESCE((SELECT s.first_started_at FROM tracksolid.ingest_health_settings s), as_of) AS first_started_at,
           COALESCE((SELECT s.grace FROM tracksolid.ingest_health_settings s), interval '30 minutes') AS grace,
           COALESCE((SELECT s.rows_window FROM tracksolid.ingest_health_settings s), interval '1 hour') AS rows_window
  ),
  -- Distinct accounts per stream by skipping through the partial index, not scanning the log.
  accounts (stream, account) AS (
    SELECT st.stream,
           (SELECT min(l.account) FROM tracksolid.ingestion_log l
             WHERE l.stream = st.stream AND l.run_kind IN ('scheduled', 'push'))
    FROM tracksolid.ingest_streams st
    UNION ALL
    SELECT a.stream,
           (SELECT min(l.account) FROM tracksolid.ingestion_log l
             WHERE l.stream = a.stream AND l.account > a.account AND l.run_kind IN ('scheduled', 'push'))
    FROM accounts a
    WHERE a.account IS NOT NULL
  ),
  pairs AS (
    SELECT st.stream, COALESCE(a.account, '') AS account
    FROM tracksolid.ingest_streams st
    LEFT JOIN (SELECT DISTINCT x.stream, x.account FROM accounts x WHERE x.account IS NOT NULL) a
      ON a.stream = st.stream
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
           s.rows_window
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

-- Analysts keep the V3 name; it now judges "now" with the allow-list and thresholds above.
DROP VIEW IF EXISTS reporting.v_ingest_health;
CREATE VIEW reporting.v_ingest_health AS
SELECT * FROM reporting.ingest_health(now());
