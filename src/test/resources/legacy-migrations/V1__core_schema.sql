-- Core schema: raw tables in tracksolid.*, analyst-facing objects in reporting.*.
-- Every time is timestamptz and every writer stores UTC. Natural keys make each write an
-- idempotent upsert; for the time-series tables the key includes the time column so the
-- same key works as a TimescaleDB hypertable key (see V2).

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

-- A polled alarm (alertTypeId/alertTime) and a pushed one (alarmType/alarmTime) share this key.
CREATE TABLE tracksolid.alarms (
  imei           text        NOT NULL,
  alarm_type     text        NOT NULL,
  alarm_time     timestamptz NOT NULL,
  alarm_name     text,
  device_name    text,
  account        text,
  lat            double precision,
  lng            double precision,
  speed_kmh      double precision,
  position_time  timestamptz,
  geofence_id    text,
  address        text,
  first_source   text        NOT NULL CHECK (first_source IN ('poll', 'push')),
  seen_by_poll   boolean     NOT NULL DEFAULT false,
  seen_by_push   boolean     NOT NULL DEFAULT false,
  received_at    timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  raw            jsonb,
  PRIMARY KEY (imei, alarm_type, alarm_time)
);
CREATE INDEX alarms_time_idx ON tracksolid.alarms (alarm_time DESC);

CREATE TABLE tracksolid.trips (
  imei            text        NOT NULL,
  start_time      timestamptz NOT NULL,
  end_time        timestamptz,
  account         text,
  start_lat       double precision,
  start_lng       double precision,
  end_lat         double precision,
  end_lng         double precision,
  distance_m      double precision,
  duration_s      integer,
  avg_speed_kmh   double precision,
  max_speed_kmh   double precision,
  start_address   text,
  end_address     text,
  source_method   text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  raw             jsonb,
  PRIMARY KEY (imei, start_time)
);
CREATE INDEX trips_time_idx ON tracksolid.trips (start_time DESC);

-- kind 'parking' is acc_type=off, 'idling' is acc_type=on.
CREATE TABLE tracksolid.parking (
  imei            text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('parking', 'idling')),
  start_time      timestamptz NOT NULL,
  end_time        timestamptz,
  account         text,
  duration_s      integer,
  stop_s          integer,
  lat             double precision,
  lng             double precision,
  vendor_address  text,
  address         text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  raw             jsonb,
  PRIMARY KEY (imei, kind, start_time)
);
CREATE INDEX parking_time_idx ON tracksolid.parking (start_time DESC);

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

-- One row per pipeline run (poll, push request, backfill slice, job).
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
  instance_id     text
);
CREATE INDEX ingestion_log_stream_idx ON tracksolid.ingestion_log (stream, account, finished_at DESC);
CREATE INDEX ingestion_log_finished_idx ON tracksolid.ingestion_log (finished_at);

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
