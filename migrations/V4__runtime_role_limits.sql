-- What the runtime role may not do, stated here once; the grants every object gets are
-- re-asserted by afterMigrate.sql. Written to be correct on a fresh database and on one created
-- by the migration layout before the squash (which granted DELETE on every raw table).

-- The writer deletes only where the service really deletes: expired leases, a reset checkpoint
-- and the purged audit logs (tracksolid.ingestion_log here, reporting.refresh_log below).
-- Telemetry (alarms, positions, trips, parking), devices and the rest are never deleted by it.
REVOKE DELETE ON tracksolid.devices, tracksolid.alarms, tracksolid.trips, tracksolid.parking,
  tracksolid.position_history, tracksolid.quarantine, tracksolid.geocode_cache, tracksolid.push_messages,
  tracksolid.ingest_streams, tracksolid.ingest_health_settings, tracksolid.ingest_accounts
  FROM tracksolid_ingest;
GRANT DELETE ON tracksolid.leases, tracksolid.checkpoints, tracksolid.ingestion_log TO tracksolid_ingest;
GRANT INSERT, DELETE ON reporting.refresh_log TO tracksolid_ingest;

-- A runaway statement or a transaction left open cannot hold locks and connections for ever.
-- The slowest normal statement (the materialised view refresh, a purge batch) takes seconds;
-- no transaction waits on anything but the database (vendor calls and geocoding happen before
-- the write transaction). Role settings apply to a login of this role; the service also reads
-- them at startup and sets them on every pool connection (io.fleet.ingest.db.RoleSettings),
-- since its own login only holds this role.
ALTER ROLE tracksolid_ingest SET statement_timeout = '5min';
ALTER ROLE tracksolid_ingest SET idle_in_transaction_session_timeout = '1min';

-- Functions created by the owner are not executable by PUBLIC; each grants EXECUTE explicitly.
-- Functions a migration creates as another login are handed to the owner and stripped of
-- PUBLIC's EXECUTE by afterMigrate.sql. (Not a database-wide default for the migrating login:
-- that would also strip EXECUTE from functions of extensions it creates later, TimescaleDB's
-- policy procedures among them.)
ALTER DEFAULT PRIVILEGES FOR ROLE tracksolid_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
