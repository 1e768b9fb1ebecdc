-- TimescaleDB is optional. Where the extension is installable the time-series tables become
-- hypertables; on plain PostgreSQL this migration changes nothing. Compression and retention
-- policies follow configuration and are (re)applied on every start by afterMigrate.sql.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    RAISE NOTICE 'timescaledb not available: keeping plain tables';
    RETURN;
  END IF;
  CREATE EXTENSION IF NOT EXISTS timescaledb;
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
