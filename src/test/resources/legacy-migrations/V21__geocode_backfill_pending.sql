-- The address backfill only wants rows still missing an address for a point it can look up.
-- Rows given their addresses at ingest keep address_attempted_at NULL, so without these partial
-- indexes every backfill run would walk the whole lookback window. The predicates are exactly
-- the backfill SELECT's (AddressBackfillJob.Target#pending), so the planner can prove they apply.
CREATE INDEX IF NOT EXISTS trips_backfill_pending_idx ON tracksolid.trips (start_time DESC)
  WHERE address_attempted_at IS NULL
    AND ((start_address IS NULL AND start_lat IS NOT NULL AND start_lng IS NOT NULL)
      OR (end_address IS NULL AND end_lat IS NOT NULL AND end_lng IS NOT NULL));
CREATE INDEX IF NOT EXISTS parking_backfill_pending_idx ON tracksolid.parking (start_time DESC)
  WHERE address_attempted_at IS NULL AND (address IS NULL AND lat IS NOT NULL AND lng IS NOT NULL);
CREATE INDEX IF NOT EXISTS alarms_backfill_pending_idx ON tracksolid.alarms (alarm_time DESC)
  WHERE address_attempted_at IS NULL AND (address IS NULL AND lat IS NOT NULL AND lng IS NOT NULL);

-- Before V21 the backfill settled a trip whose end point had no coordinates yet, so an end point
-- filled in later (the reconcile pass) never got its address. Reopen such trips within the
-- default lookback; a point that already had a definite "no address" is asked once more.
UPDATE tracksolid.trips SET address_attempted_at = NULL
 WHERE address_attempted_at IS NOT NULL AND start_time >= now() - interval '7 days'
   AND ((start_address IS NULL AND start_lat IS NOT NULL AND start_lng IS NOT NULL)
     OR (end_address IS NULL AND end_lat IS NOT NULL AND end_lng IS NOT NULL));

-- A point whose lookup keeps failing (HTTP 5xx, malformed answer) would otherwise be the newest
-- pending row on every pass and, once a batch of them exists, starve every older row. The
-- backfill counts such tries and skips the row until address_retry_at (growing backoff); the
-- writers clear both when a point moves. Nullable without defaults: instant on hypertables.
ALTER TABLE tracksolid.trips   ADD COLUMN IF NOT EXISTS address_tries smallint;
ALTER TABLE tracksolid.trips   ADD COLUMN IF NOT EXISTS address_retry_at timestamptz;
ALTER TABLE tracksolid.parking ADD COLUMN IF NOT EXISTS address_tries smallint;
ALTER TABLE tracksolid.parking ADD COLUMN IF NOT EXISTS address_retry_at timestamptz;
ALTER TABLE tracksolid.alarms  ADD COLUMN IF NOT EXISTS address_tries smallint;
ALTER TABLE tracksolid.alarms  ADD COLUMN IF NOT EXISTS address_retry_at timestamptz;
