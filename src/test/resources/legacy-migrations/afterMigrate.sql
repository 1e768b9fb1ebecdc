-- Runs after every migrate (Flyway callback). Idempotent, and lock-light on purpose: a replica
-- starting while others write must not queue behind their transactions, so it changes only
-- what differs (owner, missing grants, policies) and on a steady state takes no table lock.
-- The advisory lock serialises replicas that start together: concurrent GRANTs on one object fail.
SELECT pg_advisory_xact_lock(7347120001);

DO $$
DECLARE
  owner_oid oid := 'tracksolid_owner'::regrole;
  obj record;
BEGIN
  FOR obj IN
    SELECT n.nspname AS name FROM pg_namespace n
    WHERE n.nspname IN ('tracksolid', 'reporting') AND n.nspowner <> owner_oid
  LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO tracksolid_owner', obj.name);
  END LOOP;

  FOR obj IN
    SELECT n.nspname, c.relname, c.relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('tracksolid', 'reporting') AND c.relkind IN ('r', 'v', 'm', 'S', 'p')
      AND c.relowner <> owner_oid
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
    WHERE n.nspname IN ('tracksolid', 'reporting') AND p.proowner <> owner_oid
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO tracksolid_owner', obj.sig);
  END LOOP;

  -- Nobody but the owner creates objects in the two schemas.
  IF has_schema_privilege('public', 'tracksolid', 'CREATE') OR has_schema_privilege('public', 'reporting', 'CREATE') THEN
    REVOKE CREATE ON SCHEMA tracksolid, reporting FROM PUBLIC;
  END IF;

  -- The ingest writer: DML on the raw tables, no DDL anywhere.
  IF NOT has_schema_privilege('tracksolid_ingest', 'tracksolid', 'USAGE')
     OR NOT has_schema_privilege('tracksolid_ingest', 'reporting', 'USAGE') THEN
    GRANT USAGE ON SCHEMA tracksolid, reporting TO tracksolid_ingest;
  END IF;
  FOR obj IN
    SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'tracksolid' AND c.relkind IN ('r', 'p')
      -- has_table_privilege with a list is true if ANY is held, so each is checked on its own.
      AND NOT (has_table_privilege('tracksolid_ingest', c.oid, 'SELECT')
               AND has_table_privilege('tracksolid_ingest', c.oid, 'INSERT')
               AND has_table_privilege('tracksolid_ingest', c.oid, 'UPDATE')
               AND has_table_privilege('tracksolid_ingest', c.oid, 'DELETE'))
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO tracksolid_ingest', obj.rel);
  END LOOP;
  FOR obj IN
    SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'tracksolid' AND c.relkind = 'S'
      AND NOT (has_sequence_privilege('tracksolid_ingest', c.oid, 'USAGE')
               AND has_sequence_privilege('tracksolid_ingest', c.oid, 'SELECT'))
  LOOP
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO tracksolid_ingest', obj.rel);
  END LOOP;
  -- It also serves /health/ingest, refreshes reporting objects and purges their log; and
  -- the reporting reader gets SELECT on reporting.* and nothing else.
  FOR obj IN
    SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p')
      AND (NOT has_table_privilege('tracksolid_ingest', c.oid, 'SELECT')
           OR NOT has_table_privilege('tracksolid_reader', c.oid, 'SELECT'))
  LOOP
    EXECUTE format('GRANT SELECT ON %s TO tracksolid_ingest, tracksolid_reader', obj.rel);
  END LOOP;
  IF NOT (has_table_privilege('tracksolid_ingest', 'reporting.refresh_log', 'INSERT')
          AND has_table_privilege('tracksolid_ingest', 'reporting.refresh_log', 'DELETE')) THEN
    GRANT INSERT, DELETE ON reporting.refresh_log TO tracksolid_ingest;
  END IF;
  FOR obj IN
    SELECT p.oid::regprocedure AS sig
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'reporting' AND NOT has_function_privilege('tracksolid_ingest', p.oid, 'EXECUTE')
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO tracksolid_ingest', obj.sig);
  END LOOP;
  IF NOT has_schema_privilege('tracksolid_reader', 'reporting', 'USAGE') THEN
    GRANT USAGE ON SCHEMA reporting TO tracksolid_reader;
  END IF;
  IF has_schema_privilege('tracksolid_reader', 'tracksolid', 'USAGE') THEN
    REVOKE ALL ON SCHEMA tracksolid FROM tracksolid_reader;
  END IF;
END
$$;

-- TimescaleDB policies, only where hypertables exist and the licence allows them. Policies are
-- jobs, not table locks; compression is switched on only for tables that do not have it yet.
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
    SELECT format('%I.%I', hypertable_schema, hypertable_name)::regclass AS rel, compression_enabled
    FROM timescaledb_information.hypertables WHERE hypertable_schema = 'tracksolid'
  LOOP
    PERFORM remove_compression_policy(ht.rel, if_exists => true);
    PERFORM remove_retention_policy(ht.rel, if_exists => true);
    IF compress_after IS NOT NULL THEN
      IF NOT ht.compression_enabled THEN
        EXECUTE format('ALTER TABLE %s SET (timescaledb.compress)', ht.rel);
      END IF;
      PERFORM add_compression_policy(ht.rel, compress_after::interval);
    END IF;
    IF retention IS NOT NULL THEN
      PERFORM add_retention_policy(ht.rel, retention::interval);
    END IF;
  END LOOP;
END
$$;
