-- The raw and bookkeeping tables. Every time is timestamptz and every writer stores UTC. Natural
-- keys make each write an idempotent upsert; for the time-series tables the key includes the
-- time column so the same key works as a TimescaleDB hypertable key (see V3).

CREATE TABLE tracksolid.devices (
  imei             text PRIMARY KEY,
  account          text NOT NULL,
  device_name      text,
  model            text,
  sim              text,
  vehicle_name     text,
  vehicle_number   text,
  driver_name      text,
  driver_phone     text,
  device_group_id  text,
  device_group     text,
  expiration       timestamptz,
  activation_time  timestamptz,
  vendor_enabled   boolean,
  -- false when a complete device sync no longer finds the device in any target.
  active           boolean NOT NULL DEFAULT true,
  disabled_at      timestamptz,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  raw              jsonb
);
CREATE INDEX devices_account_idx ON tracksolid.devices (account);
-- The device sync reads an account's active devices on every run.
CREATE INDEX devices_account_active_idx ON tracksolid.devices (account) WHERE active;

-- address_attempted_at: when the address backfill got a definite answer (an address or "no
-- address here"), so no row is looked up twice; NULL = not tried yet, or tried while the lane
-- was unavailable. address_tries / address_retry_at: a point whose lookup keeps failing is
-- skipped until address_retry_at (growing backoff) so it cannot starve older rows; the writers
-- clear both when a point moves.

-- A polled alarm (alertTypeId/alertTime) and a pushed one (alarmType/alarmTime) share this key.
CREATE TABLE tracksolid.alarms (
  imei                  text        NOT NULL,
  alarm_type            text        NOT NULL,
  alarm_time            timestamptz NOT NULL,
  alarm_name            text,
  device_name           text,
  account               text,
  lat                   double precision,
  lng                   double precision,
  speed_kmh             double precision,
  position_time         timestamptz,
  geofence_id           text,
  address               text,
  first_source          text        NOT NULL CHECK (first_source IN ('poll', 'push')),
  seen_by_poll          boolean     NOT NULL DEFAULT false,
  seen_by_push          boolean     NOT NULL DEFAULT false,
  received_at           timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  raw                   jsonb,
  address_attempted_at  timestamptz,
  address_tries         smallint,
  address_retry_at      timestamptz,
  PRIMARY KEY (imei, alarm_type, alarm_time)
);
CREATE INDEX alarms_time_idx ON tracksolid.alarms (alarm_time DESC);
COMMENT ON COLUMN tracksolid.alarms.address_attempted_at IS
  'When the address backfill got a definite answer; NULL = not yet.';

CREATE TABLE tracksolid.trips (
  imei                  text        NOT NULL,
  start_time            timestamptz NOT NULL,
  end_time              timestamptz,
  account               text,
  start_lat             double precision,
  start_lng             double precision,
  end_lat               double precision,
  end_lng               double precision,
  distance_m            double precision,
  duration_s            integer,
  avg_speed_kmh         double precision,
  max_speed_kmh         double precision,
  start_address         text,
  end_address           text,
  source_method         text,
  received_at           timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  raw                   jsonb,
  address_attempted_at  timestamptz,
  address_tries         smallint,
  address_retry_at      timestamptz,
  PRIMARY KEY (imei, start_time)
);
CREATE INDEX trips_time_idx ON tracksolid.trips (start_time DESC);
COMMENT ON COLUMN tracksolid.trips.address_attempted_at IS
  'When the address backfill got a definite answer for start and end; NULL = not yet.';

-- kind 'parking' is acc_type=off, 'idling' is acc_type=on.
CREATE TABLE tracksolid.parking (
  imei                  text        NOT NULL,
  kind                  text        NOT NULL CHECK (kind IN ('parking', 'idling')),
  start_time            timestamptz NOT NULL,
  end_time              timestamptz,
  account               text,
  duration_s            integer,
  stop_s                integer,
  lat                   double precision,
  lng                   double precision,
  vendor_address        text,
  address               text,
  received_at           timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  raw                   jsonb,
  address_attempted_at  timestamptz,
  address_tries         smallint,
  address_retry_at      timestamptz,
  PRIMARY KEY (imei, kind, start_time)
);
CREATE INDEX parking_time_idx ON tracksolid.parking (start_time DESC);
COMMENT ON COLUMN tracksolid.parking.address_attempted_at IS
  'When the address backfill got a definite answer; NULL = not yet.';

-- The address backfill only wants rows still missing an address for a point it can look up.
-- Rows given their addresses at ingest keep address_attempted_at NULL, so without these partial
-- indexes every backfill run would walk the whole lookback window. The predicates are exactly
-- the backfill SELECT's (AddressBackfillJob.Target#pending), so the planner can prove they apply.
CREATE INDEX trips_backfill_pending_idx ON tracksolid.trips (start_time DESC)
  WHERE address_attempted_at IS NULL
    AND ((start_address IS NULL AND start_lat IS NOT NULL AND start_lng IS NOT NULL)
      OR (end_address IS NULL AND end_lat IS NOT NULL AND end_lng IS NOT NULL));
CREATE INDEX parking_backfill_pending_idx ON tracksolid.parking (start_time DESC)
  WHERE address_attempted_at IS NULL AND (address IS NULL AND lat IS NOT NULL AND lng IS NOT NULL);
CREATE INDEX alarms_backfill_pending_idx ON tracksolid.alarms (alarm_time DESC)
  WHERE address_attempted_at IS NULL AND (address IS NULL AND lat IS NOT NULL AND lng IS NOT NULL);

-- A first poll starts from the newest row already stored for its account.
CREATE INDEX alarms_account_time_idx ON tracksolid.alarms (account, alarm_time DESC);
CREATE INDEX trips_account_time_idx ON tracksolid.trips (account, start_time DESC);
CREATE INDEX parking_account_time_idx ON tracksolid.parking (account, start_time DESC);

CREATE TABLE tracksolid.position_history (
  imei          text        NOT NULL,
  gps_time      timestamptz NOT NULL,
  lat           double precision NOT NULL,
  lng           double precision NOT NULL,
  speed_kmh     double precision,
  direction     integer,
  pos_type      text,
  acc           boolean,
  satellites    integer,
  source        text        NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  raw           jsonb,
  PRIMARY KEY (imei, gps_time)
);
CREATE INDEX position_history_time_idx ON tracksolid.position_history (gps_time DESC);

-- One row per pipeline run (poll, push request, backfill slice, job). Jobs record what they
-- removed in rows_deleted and detail; pipeline runs leave these at their defaults.
CREATE TABLE tracksolid.ingestion_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream          text        NOT NULL,
  account         text        NOT NULL DEFAULT '',
  run_kind        text        NOT NULL DEFAULT 'scheduled'
                  CHECK (run_kind IN ('scheduled', 'backfill', 'push', 'job', 'manual')),
  window_start    timestamptz,
  window_end      timestamptz,
  rows_fetched    integer     NOT NULL DEFAULT 0 CHECK (rows_fetched >= 0),
  rows_inserted   integer     NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
  rows_updated    integer     NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
  rows_rejected   integer     NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  duration_ms     bigint      NOT NULL CHECK (duration_ms >= 0),
  status          text        NOT NULL CHECK (status IN ('ok', 'error')),
  error           text,
  instance_id     text,
  rows_deleted    integer     NOT NULL DEFAULT 0 CHECK (rows_deleted >= 0),
  detail          jsonb
);
CREATE INDEX ingestion_log_stream_idx ON tracksolid.ingestion_log (stream, account, finished_at DESC);
CREATE INDEX ingestion_log_finished_idx ON tracksolid.ingestion_log (finished_at);
-- Health looks up the latest pipeline run per stream and account; this keeps that an index probe
-- however many backfill or job rows sit in the log.
CREATE INDEX ingestion_log_health_idx ON tracksolid.ingestion_log (stream, account, status, finished_at DESC)
  WHERE run_kind IN ('scheduled', 'push');

-- The high-water mark per account and endpoint; it only moves after its rows commit.
CREATE TABLE tracksolid.checkpoints (
  account      text        NOT NULL,
  endpoint     text        NOT NULL,
  position     timestamptz NOT NULL,
  state        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, endpoint)
);

-- Items refused by a guard. item_hash makes a replayed item land once.
CREATE TABLE tracksolid.quarantine (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream       text        NOT NULL,
  reason       text        NOT NULL,
  detail       text,
  imei         text,
  item         jsonb       NOT NULL,
  item_hash    text        NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream, reason, item_hash)
);
CREATE INDEX quarantine_received_idx ON tracksolid.quarantine (received_at);

-- Reverse-geocoding answers keyed on rounded coordinates; found=false caches "no address".
CREATE TABLE tracksolid.geocode_cache (
  precision     smallint    NOT NULL,
  lat           numeric(10, 6) NOT NULL,
  lng           numeric(10, 6) NOT NULL,
  found         boolean     NOT NULL,
  address       text,
  details       jsonb,
  fetched_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (precision, lat, lng)
);

-- Leases make each scheduled job run on one replica at a time without holding a connection.
CREATE TABLE tracksolid.leases (
  name         text PRIMARY KEY,
  owner        text        NOT NULL,
  acquired_at  timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);

-- Push message types without a typed table are kept whole, never dropped.
CREATE TABLE tracksolid.push_messages (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  msg_type     text        NOT NULL,
  imei         text,
  event_time   timestamptz,
  item         jsonb       NOT NULL,
  item_hash    text        NOT NULL UNIQUE,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_messages_type_idx ON tracksolid.push_messages (msg_type, received_at DESC);

-- Pipeline health is judged against an explicit allow-list of streams (reporting.ingest_health).
-- The thresholds are seeded here and re-written by the service at every start from
-- HEALTH_STALE_AFTER, HEALTH_FAILING_AFTER, HEALTH_THRESHOLDS and HEALTH_REQUIRED_STREAMS
-- (io.fleet.ingest.ops.IngestHealthSettings), so the view and /health/ingest judge with the values
-- the operator configured. Replicas share one config.
CREATE TABLE tracksolid.ingest_streams (
  stream         text     PRIMARY KEY,
  kind           text     NOT NULL CHECK (kind IN ('poll', 'webhook')),
  stale_after    interval NOT NULL,
  failing_after  interval NOT NULL,
  -- Optional streams are informational: silence is 'idle', never a failure. Every webhook stream
  -- is optional by default, since which push types arrive depends on the vendor subscription and
  -- on what the fleet does (an alarm push may not come for days).
  optional       boolean  NOT NULL DEFAULT false,
  CHECK (stale_after > interval '0' AND failing_after >= stale_after)
);

INSERT INTO tracksolid.ingest_streams (stream, kind, stale_after, failing_after, optional) VALUES
  ('poll.alarms',             'poll',    interval '15 minutes', interval '1 hour',  false),
  ('poll.trips',              'poll',    interval '30 minutes', interval '2 hours', false),
  ('poll.parking',            'poll',    interval '30 minutes', interval '2 hours', false),
  ('poll.devices',            'poll',    interval '3 hours',    interval '6 hours', false),
  ('poll.positions',          'poll',    interval '15 minutes', interval '1 hour',  false),
  ('webhook.push',            'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushgps',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushalarm',       'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushevent',       'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushhb',          'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushlbs',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushobd',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushtripreport',  'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushoil',         'webhook', interval '15 minutes', interval '1 hour',  true),
  ('webhook.pushtem',         'webhook', interval '15 minutes', interval '1 hour',  true);

-- One row: when the service first started on this database (a fresh install is in grace until
-- first_started_at + grace) and the window "rows in window" covers. The service inserts it at
-- its first start and updates grace/rows_window from config at every start; first_started_at
-- never moves.
CREATE TABLE tracksolid.ingest_health_settings (
  id                boolean     PRIMARY KEY DEFAULT true CHECK (id),
  first_started_at  timestamptz NOT NULL,
  grace             interval    NOT NULL CHECK (grace >= interval '0'),
  rows_window       interval    NOT NULL CHECK (rows_window > interval '0'),
  updated_at        timestamptz NOT NULL
);

-- Health judges the accounts the service is configured to poll, not whatever accounts happen to
-- be in the log. The service rewrites this table at every start: active = configured and polling
-- enabled; accounts no longer configured stay as rows with active = false.
CREATE TABLE tracksolid.ingest_accounts (
  account     text        PRIMARY KEY CHECK (account <> ''),
  active      boolean     NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- Real statistics for the small tables reporting.ingest_health joins (autovacuum may never get
-- to them: they change only at service start); unanalysed, the planner guessed them large.
ANALYZE tracksolid.ingest_streams;
ANALYZE tracksolid.ingest_health_settings;
ANALYZE tracksolid.ingest_accounts;

CREATE TABLE reporting.refresh_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  object_name   text        NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL,
  duration_ms   bigint      NOT NULL CHECK (duration_ms >= 0),
  status        text        NOT NULL CHECK (status IN ('ok', 'error')),
  error         text
);
CREATE INDEX refresh_log_finished_idx ON reporting.refresh_log (finished_at);
