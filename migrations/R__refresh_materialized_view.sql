-- REFRESH needs ownership; this definer function lets the ingest role refresh without owning.
-- A plain REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock: every analyst query on the
-- view waited for the whole refresh. CONCURRENTLY takes only an EXCLUSIVE lock (readers go on
-- reading the old contents) but needs a populated view with a unique index on plain columns (no
-- expression, no predicate), so the first refresh of a view created WITH NO DATA and any view
-- without such an index stay plain. REFRESH ... CONCURRENTLY may run inside a transaction block
-- (unlike CREATE INDEX CONCURRENTLY), so it works from this function.
CREATE OR REPLACE FUNCTION reporting.refresh_materialized_view(view_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  populated boolean;
  keyed boolean;
BEGIN
  SELECT m.ispopulated INTO populated
  FROM pg_matviews m WHERE m.schemaname = 'reporting' AND m.matviewname = view_name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'reporting.% is not a materialised view', view_name;
  END IF;
  SELECT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = format('reporting.%I', view_name)::regclass
      AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL) INTO keyed;
  IF populated AND keyed THEN
    EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.%I', view_name);
  ELSE
    EXECUTE format('REFRESH MATERIALIZED VIEW reporting.%I', view_name);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION reporting.refresh_materialized_view(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.refresh_materialized_view(text) TO tracksolid_ingest;
