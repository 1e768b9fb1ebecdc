-- TimescaleDB is optional. Where the extension can be created the time-series tables become
-- hypertables; anywhere else this migration changes nothing and the tables stay plain. Compression
-- and retention policies follow configuration and are (re)applied on every start by
-- afterMigrate.sql. The service logs which case applies (io.fleet.ingest.db.TimescaleStatus).
--
-- CREATE EXTENSION on a server that has the package but does not load the library through
-- shared_preload_libraries ends the connection with FATAL, which no exception handler can catch:
-- the check has to come before the statement.
DO $$
DECLARE
  preloaded boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
      RAISE NOTICE 'timescaledb is not installed on this server: keeping plain tables';
      RETURN;
    END IF;
    BEGIN
      preloaded := current_setting('shared_preload_libraries')
                   ~ '(^|[\s,"/])timescaledb([\s,"]|$)';
    EXCEPTION WHEN insufficient_privilege THEN
      -- Only superusers and pg_read_all_settings may read the list; the preloaded library
      -- registers its own settings, which everyone can see.
      preloaded := EXISTS (SELECT 1 FROM pg_settings
                           WHERE name = 'timescaledb.max_background_workers' AND vartype = 'integer');
    END;
    IF NOT preloaded THEN
      RAISE NOTICE 'timescaledb is installed but not in shared_preload_libraries: keeping plain tables';
      RETURN;
    END IF;
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
    EXCEPTION WHEN insufficient_privilege THEN
      -- Only a superuser (or the database owner on some managed servers) may create it.
      RAISE NOTICE 'the migrating login may not create the timescaledb extension: keeping plain tables';
      RETURN;
    END;
  END IF;
  PERFORM create_hypertable('tracksolid.position_history', 'gps_time',
                            chunk_time_interval => interval '1 day', migrate_data => true, if_not_exists => true);
  PERFORM create_hypertable('tracksolid.alarms', 'alarm_time',
                            chunk_time_interval => interval '7 days', migrate_data => true, if_not_exists => true);
  PERFORM create_hypertable('tracksolid.trips', 'start_time',
                            chunk_time_interval => interval '7 days', migrate_data => true, if_not_exists => true);
  PERFORM create_hypertable('tracksolid.parking', 'start_time',
                            chunk_time_interval => interval '7 days', migrate_data => true, if_not_exists => true);
END
$$;
