-- Roles and schemas. Raw tables live in tracksolid.*, analyst-facing objects in reporting.*.
--   tracksolid_owner   owns every object (afterMigrate.sql hands them over); never a service login
--   tracksolid_ingest  the runtime role: DML on the raw tables, no DDL
--   tracksolid_reader  analysts: SELECT on reporting.* only
-- Roles are cluster-wide, so creation has to tolerate a role made by another database.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_owner') THEN
    CREATE ROLE tracksolid_owner NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_ingest') THEN
    CREATE ROLE tracksolid_ingest NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_reader') THEN
    CREATE ROLE tracksolid_reader NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  -- Another database in the same cluster created the role at the same moment.
  NULL;
END
$$;

CREATE SCHEMA IF NOT EXISTS tracksolid;
CREATE SCHEMA IF NOT EXISTS reporting;
