-- Runs after every migrate (Flyway callback). Idempotent: it re-asserts ownership, least-privilege
-- grants and the TimescaleDB policies that follow configuration. The advisory lock serialises
-- replicas that start together, since concurrent GRANTs on one object can fail.
SELECT pg_advisory_xact_lock(7347120001);

DO $$
DECLARE
  obj record;
BEGIN
  EXECUTE 'ALTER SCHEMA tracksolid OWNER TO tracksolid_owner';
  EXECUTE 'ALTER SCHEMA reporting OWNER TO tracksolid_owner';
  FOR obj IN
    SELECT n.nspname, c.relname, c.relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('tracksolid', 'reporting') AND c.relkind IN ('r', 'v', 'm', 'S', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.objid = c.oid AND d.deptype = 'i')  -- identity sequences follow their table
  LOOP
    EXECUTE format('ALTER %s %I.%I OWNER TO tracksolid_owner',
                   CASE obj.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                    WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                   obj.nspname, obj.relname);
  END LOOP;
  FOR obj IN
    SELECT p.oid::regprocedure AS sig
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname IN ('tracksolid', 'reporting')
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO tracksolid_owner', obj.sig);
  END LOOP;
END
$$;

-- The ingest writer: DML on the raw tables, no DDL anywhere.
REVOKE CREATE ON SCHEMA tracksolid, reporting FROM PUBLIC;
GRANT USAGE ON SCHEMA tracksolid TO tracksolid_ingest;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tracksolid TO tracksolid_ingest;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA tracksolid TO tracksolid_ingest;
-- It also serves /health/ingest, refreshes reporting objects and purges their log.
GRANT USAGE ON SCHEMA reporting TO tracksolid_ingest;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO tracksolid_ingest;
GRANT INSERT, DELETE ON reporting.refresh_log TO tracksolid_ingest;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA reporting TO tracksolid_ingest;

-- The reporting reader: SELECT on reporting.* and nothing else.
GRANT USAGE ON SCHEMA reporting TO tracksolid_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO tracksolid_reader;
REVOKE ALL ON SCHEMA tracksolid FROM tracksolid_reader;

-- TimescaleDB policies, only where hypertables exist and the licence allows them.
DO $$
DECLARE
  compress_after text := NULLIF('${timescale_compress_after}', '');
  retention      text := NULLIF('${timescale_retention}', '');
  licensed       boolean;
  ht             record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN;
  END IF;
  licensed := COALESCE(current_setting('timescaledb.license', true), 'timescale') = 'timescale';
  IF NOT licensed THEN
    RAISE NOTICE 'timescaledb licence is apache: compression and retention policies skipped';
    RETURN;
  END IF;
  FOR ht IN
    SELECT format('%I.%I', hypertable_schema, hypertable_name)::regclass AS rel
    FROM timescaledb_information.hypertables WHERE hypertable_schema = 'tracksolid'
  LOOP
    PERFORM remove_compression_policy(ht.rel, if_exists => true);
    PERFORM remove_retention_policy(ht.rel, if_exists => true);
    IF compress_after IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %s SET (timescaledb.compress)', ht.rel);
      PERFORM add_compression_policy(ht.rel, compress_after::interval);
    END IF;
    IF retention IS NOT NULL THEN
      PERFORM add_retention_policy(ht.rel, retention::interval);
    END IF;
  END LOOP;
END
$$;
