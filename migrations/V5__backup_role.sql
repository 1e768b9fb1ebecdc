-- The backup role: reads everything, writes nothing, owns nothing. pg_read_all_data (PostgreSQL
-- 14+) gives SELECT on every table, view and sequence and USAGE on every schema, now and later,
-- TimescaleDB's chunk and catalog schemas included, which a dump of compressed chunks needs.
-- A login is granted this role (docker-compose's initdb script creates tracksolid_backup_login).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_backup') THEN
    CREATE ROLE tracksolid_backup NOLOGIN;
  END IF;
  IF NOT pg_has_role('tracksolid_backup', 'pg_read_all_data', 'MEMBER') THEN
    BEGIN
      GRANT pg_read_all_data TO tracksolid_backup;
    EXCEPTION WHEN insufficient_privilege THEN
      -- A migration owner without ADMIN on pg_read_all_data: a superuser must grant it once.
      RAISE WARNING 'cannot grant pg_read_all_data to tracksolid_backup: run GRANT pg_read_all_data TO tracksolid_backup as a superuser';
    END;
  END IF;
  -- The backup records each reporting view's row count, and reporting views call functions whose
  -- EXECUTE is not granted to PUBLIC; the reader role holds exactly those grants, now and for
  -- views added later.
  IF NOT pg_has_role('tracksolid_backup', 'tracksolid_reader', 'MEMBER') THEN
    GRANT tracksolid_reader TO tracksolid_backup;
  END IF;
END $$;
