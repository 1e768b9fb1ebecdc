-- On a fresh install reporting.ingest_health spent ~0.9 s per call compiling with JIT: the tiny
-- settings tables had never been analysed, so the planner guessed them large enough to pass
-- jit_above_cost. The function reads a handful of rows through index probes; JIT can only cost.
ALTER FUNCTION reporting.ingest_health(timestamptz) SET jit = off;

-- Real statistics for the small tables the function joins (autovacuum may never get to them:
-- they change only at service start).
ANALYZE tracksolid.ingest_streams;
ANALYZE tracksolid.ingest_health_settings;
ANALYZE tracksolid.ingest_accounts;
