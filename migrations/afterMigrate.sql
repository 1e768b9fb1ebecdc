-- Runs after every migrate (Flyway callback), so it also covers objects that later migrations add.
-- Idempotent, and lock-light on purpose: a replica starting while others write must not queue
-- behind their transactions, so it changes only what differs (owner, missing grants, policies)
-- and on a steady state takes no table lock.
-- The advisory lock serialises replicas that start together: concurrent GRANTs on one object fail.
SELECT pg_advisory_xact_lock(7347120001);

-- Ownership and the grants every object in the two schemas gets.
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
    EXECUTE format('ALTER ROUTINE %s OWNER TO tracksolid_owner', obj.sig);
  END LOOP;

  -- Nobody but the owner creates objects in the two schemas.
  IF has_schema_privilege('public', 'tracksolid', 'CREATE') OR has_schema_privilege('public', 'reporting', 'CREATE') THEN
    REVOKE CREATE ON SCHEMA tracksolid, reporting FROM PUBLIC;
  END IF;

  -- No function in the two schemas is executable by PUBLIC; each file grants EXECUTE to whom it
  -- is for. (aclexplode of the effective ACL: a NULL proacl means the default, PUBLIC included.)
  FOR obj IN
    SELECT p.oid::regprocedure AS sig
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname IN ('tracksolid', 'reporting')
      AND EXISTS (SELECT 1 FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
                  WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
  LOOP
    EXECUTE format('REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC', obj.sig);
  END LOOP;

  -- The ingest writer: SELECT, INSERT, UPDATE on the raw tables, no DDL anywhere. DELETE only
  -- where a migration grants it (V4).
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
               AND has_table_privilege('tracksolid_ingest', c.oid, 'UPDATE'))
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %s TO tracksolid_ingest', obj.rel);
  END LOOP;
  FOR obj IN
    SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'tracksolid' AND c.relkind = 'S'
      AND NOT (has_sequence_privilege('tracksolid_ingest', c.oid, 'USAGE')
               AND has_sequence_privilege('tracksolid_ingest', c.oid, 'SELECT'))
  LOOP
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO tracksolid_ingest', obj.rel);
  END LOOP;
  -- It also serves /health/ingest and refreshes reporting objects; the reporting reader gets
  -- SELECT on reporting.* and nothing else.
  FOR obj IN
    SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p')
      AND (NOT has_table_privilege('tracksolid_ingest', c.oid, 'SELECT')
           OR NOT has_table_privilege('tracksolid_reader', c.oid, 'SELECT'))
  LOOP
    EXECUTE format('GRANT SELECT ON %s TO tracksolid_ingest, tracksolid_reader', obj.rel);
  END LOOP;
  FOR obj IN
    SELECT p.oid::regprocedure AS sig
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'reporting' AND NOT has_function_privilege('tracksolid_ingest', p.oid, 'EXECUTE')
  LOOP
    EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO tracksolid_ingest', obj.sig);
  END LOOP;
  IF NOT has_schema_privilege('tracksolid_reader', 'reporting', 'USAGE') THEN
    GRANT USAGE ON SCHEMA reporting TO tracksolid_reader;
  END IF;
  IF has_schema_privilege('tracksolid_reader', 'tracksolid', 'USAGE') THEN
    REVOKE ALL ON SCHEMA tracksolid FROM tracksolid_reader;
  END IF;
END
$$;

-- TimescaleDB policies, only where hypertables exist and the licence allows them (compression
-- and retention are Timescale-licensed; licence 'apache' keeps plain hypertables). A policy is
-- replaced only when its interval differs from configuration, so a steady state changes nothing.
--
-- A policy job runs as the owner of its hypertable, and TimescaleDB refuses to schedule one for a
-- role that cannot log in ("permission denied to start background process"). The owner therefore
-- gets LOGIN, and no password: nothing can log in as it with a password, and the service's own
-- login still holds only tracksolid_ingest. Where the migrating login may not change the role,
-- the policies are left out and the service says so at startup.
DO $$
DECLARE
  compress_after interval := NULLIF('${timescale_compress_after}', '')::interval;
  retention      interval := NULLIF('${timescale_retention}', '')::interval;
  ht             record;
  cfg            jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN;
  END IF;
  IF COALESCE(current_setting('timescaledb.license', true), 'timescale') <> 'timescale' THEN
    RAISE NOTICE 'timescaledb licence is %: compression and retention policies skipped',
      current_setting('timescaledb.license', true);
    RETURN;
  END IF;
  -- The continuous aggregate reporting.positions_15m (V8) has a refresh policy of its own.
  IF (compress_after IS NOT NULL OR retention IS NOT NULL
      OR EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'reporting'))
     AND NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tracksolid_owner') THEN
    BEGIN
      ALTER ROLE tracksolid_owner LOGIN PASSWORD NULL;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'cannot give tracksolid_owner LOGIN: compression and retention policies skipped';
      RETURN;
    END;
  END IF;
  FOR ht IN
    SELECT format('%I.%I', hypertable_schema, hypertable_name)::regclass AS rel, compression_enabled
    FROM timescaledb_information.hypertables WHERE hypertable_schema = 'tracksolid'
  LOOP
    SELECT j.config INTO cfg FROM timescaledb_information.jobs j
    WHERE j.proc_name = 'policy_compression' AND j.hypertable_schema = 'tracksolid'
      AND format('%I.%I', j.hypertable_schema, j.hypertable_name)::regclass = ht.rel;
    IF cfg IS NULL OR compress_after IS NULL
       OR (cfg ->> 'compress_after')::interval IS DISTINCT FROM compress_after THEN
      PERFORM remove_compression_policy(ht.rel, if_exists => true);
      IF compress_after IS NOT NULL THEN
        IF NOT ht.compression_enabled THEN
          EXECUTE format('ALTER TABLE %s SET (timescaledb.compress)', ht.rel);
        END IF;
        PERFORM add_compression_policy(ht.rel, compress_after);
      END IF;
    END IF;

    SELECT j.config INTO cfg FROM timescaledb_information.jobs j
    WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = 'tracksolid'
      AND format('%I.%I', j.hypertable_schema, j.hypertable_name)::regclass = ht.rel;
    IF cfg IS NULL OR retention IS NULL
       OR (cfg ->> 'drop_after')::interval IS DISTINCT FROM retention THEN
      PERFORM remove_retention_policy(ht.rel, if_exists => true);
      IF retention IS NOT NULL THEN
        PERFORM add_retention_policy(ht.rel, retention);
      END IF;
    END IF;
  END LOOP;
END
$$;
