-- Reporting settings, the alarm-type catalogue and the daily rollup tables.
--
-- A reporting day is a calendar day in reporting.settings.time_zone (REPORTING_TIME_ZONE). The
-- rollups are tables, not materialised views: the reporting refresh job recomputes whole
-- (day, vehicle) rows over a trailing window plus the days backfills touched, so a tick costs the
-- window, never the whole history (see R__reporting_rollups.sql).

-- One row. The service rewrites every column that has a configuration variable at each start
-- (io.fleet.ingest.reporting.ReportingSettings); night_start/night_end are edited here.
CREATE TABLE reporting.settings (
  id                      boolean          PRIMARY KEY DEFAULT true CHECK (id),
  time_zone               text             NOT NULL DEFAULT 'UTC',
  rollup_window           interval         NOT NULL DEFAULT interval '10 days' CHECK (rollup_window >= interval '1 day'),
  overspeed_kmh           double precision NOT NULL DEFAULT 90 CHECK (overspeed_kmh > 0),
  overspeed_min_duration  interval         NOT NULL DEFAULT interval '30 seconds',
  excess_idle             interval         NOT NULL DEFAULT interval '10 minutes',
  used_min_distance_m     double precision NOT NULL DEFAULT 1000 CHECK (used_min_distance_m >= 0),
  planned_work            interval         NOT NULL DEFAULT interval '8 hours' CHECK (planned_work > interval '0'),
  -- Times of day are offsets from local midnight (the schema keeps no zone-less time values).
  work_start              interval         NOT NULL DEFAULT interval '7 hours',
  work_end                interval         NOT NULL DEFAULT interval '19 hours',
  -- ISO days of the week, 1 = Monday.
  work_days               smallint[]       NOT NULL DEFAULT '{1,2,3,4,5}',
  stale_after             interval         NOT NULL DEFAULT interval '30 minutes',
  offline_after           interval         NOT NULL DEFAULT interval '24 hours',
  eu_daily_driving        interval         NOT NULL DEFAULT interval '9 hours',
  eu_continuous_driving   interval         NOT NULL DEFAULT interval '4 hours 30 minutes',
  eu_break                interval         NOT NULL DEFAULT interval '45 minutes',
  eu_daily_rest           interval         NOT NULL DEFAULT interval '11 hours',
  -- Night time in the sense of Directive 2002/15/EC (national law picks 4 h between 00:00 and 07:00).
  night_start             interval         NOT NULL DEFAULT interval '0 hours',
  night_end               interval         NOT NULL DEFAULT interval '4 hours',
  updated_at              timestamptz      NOT NULL DEFAULT now(),
  CHECK (work_start >= interval '0' AND work_end > work_start AND work_end <= interval '24 hours'
         AND night_start >= interval '0' AND night_end > night_start AND night_end <= interval '24 hours')
);
INSERT INTO reporting.settings DEFAULT VALUES;

-- Per-vehicle overrides; NULL keeps the setting.
CREATE TABLE reporting.vehicle_settings (
  imei                    text             PRIMARY KEY,
  overspeed_kmh           double precision CHECK (overspeed_kmh > 0),
  overspeed_min_duration  interval,
  excess_idle             interval,
  used_min_distance_m     double precision CHECK (used_min_distance_m >= 0),
  planned_work            interval,
  work_start              interval,
  work_end                interval,
  work_days               smallint[],
  note                    text,
  updated_at              timestamptz      NOT NULL DEFAULT now()
);

-- Alarm codes as the vendor sends them (numeric device alarms, text platform alarms), seeded
-- from the vendor's list and editable; codes not listed count as category 'other'.
CREATE TABLE reporting.alarm_types (
  code      text PRIMARY KEY,
  name      text NOT NULL,
  category  text NOT NULL CHECK (category IN ('overspeed', 'harsh_driving', 'collision', 'fatigue', 'geofence_in',
                                              'geofence_out', 'ignition', 'power_tamper', 'sos', 'other')),
  severity  text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical'))
);
INSERT INTO reporting.alarm_types (code, name, category, severity) VALUES
  ('1',   'SOS',                       'sos',           'critical'),
  ('2',   'Power cut',                 'power_tamper',  'high'),
  ('3',   'Vibration',                 'power_tamper',  'medium'),
  ('4',   'Enter geo-fence',           'geofence_in',   'info'),
  ('5',   'Exit geo-fence',            'geofence_out',  'info'),
  ('6',   'Overspeed',                 'overspeed',     'medium'),
  ('9',   'Displacement',              'power_tamper',  'high'),
  ('12',  'Boot',                      'other',         'info'),
  ('14',  'Low external power',        'power_tamper',  'medium'),
  ('15',  'Low-power protection',      'power_tamper',  'medium'),
  ('17',  'Power off',                 'power_tamper',  'high'),
  ('19',  'Disassembly',               'power_tamper',  'high'),
  ('28',  'Door open',                 'other',         'low'),
  ('29',  'Door close',                'other',         'info'),
  ('41',  'Sudden acceleration',       'harsh_driving', 'medium'),
  ('42',  'Sharp turn left',           'harsh_driving', 'medium'),
  ('43',  'Sharp turn right',          'harsh_driving', 'medium'),
  ('44',  'Collision',                 'collision',     'critical'),
  ('48',  'Sudden deceleration',       'harsh_driving', 'medium'),
  ('71',  'Fatigue driving',           'fatigue',       'high'),
  ('90',  'Low battery',               'power_tamper',  'low'),
  ('197', 'Engine on',                 'ignition',      'info'),
  ('198', 'Engine off',                'ignition',      'info'),
  ('254', 'Ignition on',               'ignition',      'info'),
  ('1001', 'ACC Off',                  'ignition',      'info'),
  ('1002', 'ACC On',                   'ignition',      'info'),
  ('ACC_ON',         'ACC On',                 'ignition',     'info'),
  ('ACC_OFF',        'ACC Off',                'ignition',     'info'),
  ('overSpeed',      'Overspeed (platform)',   'overspeed',    'medium'),
  ('fenceOverspeed', 'Overspeed in geo-fence', 'overspeed',    'medium'),
  ('in',             'Enter geo-fence',        'geofence_in',  'info'),
  ('out',            'Exit geo-fence',         'geofence_out', 'info'),
  ('geozone',        'Geo-zone',               'other',        'info'),
  ('offline',        'Offline',                'power_tamper', 'medium'),
  ('stayAlert',      'Parking too long',       'other',        'low'),
  ('stayAlertOn',    'Idling too long',        'other',        'low'),
  ('stayTimeIn',     'Stay in geo-fence',      'other',        'info'),
  ('stayTimeOut',    'Stay out of geo-fence',  'other',        'info'),
  ('mileageAlarm',   'Mileage',                'other',        'info'),
  ('other',          'Other',                  'other',        'info');

-- Vehicle x local day, dense: every known vehicle has a row for every recomputed day, zeros
-- when it did nothing. Seconds are split at local midnight; a trip's distance is shared between
-- the days it spans in proportion to its time in each.
CREATE TABLE reporting.daily_vehicle_summary (
  day                           date             NOT NULL,
  imei                          text             NOT NULL,
  day_start                     timestamptz      NOT NULL,
  day_end                       timestamptz      NOT NULL,
  day_seconds                   integer          NOT NULL,
  trips                         integer          NOT NULL,
  distance_m                    double precision NOT NULL,
  distance_source               text             NOT NULL CHECK (distance_source IN ('trips', 'gps', 'none')),
  trip_distance_m               double precision NOT NULL,
  gps_distance_m                double precision NOT NULL,
  driving_s                     integer          NOT NULL,
  idle_s                        integer          NOT NULL,
  excess_idle_s                 integer          NOT NULL,
  parked_s                      integer          NOT NULL,
  engine_on_s                   integer          NOT NULL,
  unaccounted_s                 integer          NOT NULL,
  max_speed_kmh                 double precision,
  first_move_at                 timestamptz,
  last_stop_at                  timestamptz,
  shift_start                   timestamptz,
  shift_end                     timestamptz,
  driving_periods               integer          NOT NULL,
  breaks                        integer          NOT NULL,
  longest_continuous_driving_s  integer          NOT NULL,
  night_driving_s               integer          NOT NULL,
  after_hours_driving_s         integer          NOT NULL,
  fixes                         integer          NOT NULL,
  alarms                        integer          NOT NULL,
  alarms_by_category            jsonb            NOT NULL,
  overspeed_episodes            integer          NOT NULL,
  used                          boolean          NOT NULL,
  flags                         text[]           NOT NULL,
  -- Moves only when the row's figures change, so "what changed at the last tick" is visible.
  computed_at                   timestamptz      NOT NULL,
  PRIMARY KEY (day, imei)
);
CREATE INDEX daily_vehicle_summary_imei_idx ON reporting.daily_vehicle_summary (imei, day);

-- Local day x vehicle x alarm type; only combinations that had alarms.
CREATE TABLE reporting.daily_alarm_counts (
  day           date        NOT NULL,
  imei          text        NOT NULL,
  alarm_type    text        NOT NULL,
  day_start     timestamptz NOT NULL,
  day_end       timestamptz NOT NULL,
  day_seconds   integer     NOT NULL,
  alarm_name    text,
  category      text        NOT NULL,
  severity      text        NOT NULL,
  alarms        integer     NOT NULL,
  push_only     integer     NOT NULL,
  poll_only     integer     NOT NULL,
  both_sources  integer     NOT NULL,
  computed_at   timestamptz NOT NULL,
  PRIMARY KEY (day, imei, alarm_type)
);
CREATE INDEX daily_alarm_counts_imei_idx ON reporting.daily_alarm_counts (imei, day);

-- Where the last tick left off: ingestion_log rows finished after last_tick_at (less an
-- overlap for late commits) are the backfill and manual runs the next tick looks at.
CREATE TABLE reporting.rollup_state (
  id              boolean     PRIMARY KEY DEFAULT true CHECK (id),
  last_tick_at    timestamptz,
  last_window     daterange,
  last_rows_changed integer,
  last_duration_ms  bigint,
  time_zone       text
);
INSERT INTO reporting.rollup_state DEFAULT VALUES;

-- The service writes the configured values at start as the runtime role.
GRANT UPDATE ON reporting.settings TO tracksolid_ingest;
