-- What the fleet status and the driver clock need besides the raw tables.

-- Last contact per device. A parked tracker sends heartbeats but no new fix, so "offline" is
-- judged on contact (fix or heartbeat), not on the last fix alone. One writer:
-- tracksolid.record_device_contact, called by the latest-position poll (gpsTime, hbTime and the
-- vendor's online flag) and by the trigger below for pushed heartbeats (/pushhb).
CREATE TABLE tracksolid.device_state (
  imei                 text        PRIMARY KEY,
  last_fix_at          timestamptz,
  last_heartbeat_at    timestamptz,
  last_contact_at      timestamptz,
  last_contact_source  text,
  vendor_online        boolean,
  updated_at           timestamptz NOT NULL
);

-- Times only move forward; a repeated report changes nothing (no row version, no WAL).
CREATE FUNCTION tracksolid.record_device_contact(p_imei text[], p_fix timestamptz[], p_heartbeat timestamptz[],
                                                 p_online boolean[], p_source text, p_now timestamptz)
RETURNS integer LANGUAGE sql AS $$
  WITH u AS (
    SELECT x.imei, max(x.fix) AS fix, max(x.hb) AS hb, bool_or(x.online) AS online
    FROM unnest(p_imei, p_fix, p_heartbeat, p_online) AS x(imei, fix, hb, online)
    WHERE x.imei IS NOT NULL
    GROUP BY x.imei
  ), w AS (
    INSERT INTO tracksolid.device_state AS s
      (imei, last_fix_at, last_heartbeat_at, last_contact_at, last_contact_source, vendor_online, updated_at)
    SELECT u.imei, u.fix, u.hb, GREATEST(u.fix, u.hb), p_source, u.online, p_now FROM u
    ON CONFLICT (imei) DO UPDATE SET
      last_fix_at = GREATEST(s.last_fix_at, EXCLUDED.last_fix_at),
      last_heartbeat_at = GREATEST(s.last_heartbeat_at, EXCLUDED.last_heartbeat_at),
      last_contact_source = CASE WHEN s.last_contact_at IS NULL OR EXCLUDED.last_contact_at > s.last_contact_at
                                 THEN EXCLUDED.last_contact_source ELSE s.last_contact_source END,
      last_contact_at = GREATEST(s.last_contact_at, EXCLUDED.last_contact_at),
      vendor_online = COALESCE(EXCLUDED.vendor_online, s.vendor_online),
      updated_at = EXCLUDED.updated_at
    WHERE EXCLUDED.last_fix_at > s.last_fix_at OR (s.last_fix_at IS NULL AND EXCLUDED.last_fix_at IS NOT NULL)
       OR EXCLUDED.last_heartbeat_at > s.last_heartbeat_at
       OR (s.last_heartbeat_at IS NULL AND EXCLUDED.last_heartbeat_at IS NOT NULL)
       OR (EXCLUDED.vendor_online IS NOT NULL AND EXCLUDED.vendor_online IS DISTINCT FROM s.vendor_online)
    RETURNING 1
  )
  SELECT count(*)::integer FROM w
$$;

-- Pushed heartbeats are kept whole in push_messages (no typed table); this hook records their
-- contact without touching the webhook code.
-- The runtime role calls it from the location poll and, through the trigger below, from pushes.
REVOKE ALL ON FUNCTION tracksolid.record_device_contact(text[], timestamptz[], timestamptz[], boolean[], text, timestamptz)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tracksolid.record_device_contact(text[], timestamptz[], timestamptz[], boolean[], text, timestamptz)
  TO tracksolid_ingest;

CREATE FUNCTION tracksolid.push_heartbeat_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.imei IS NOT NULL THEN
    PERFORM tracksolid.record_device_contact(ARRAY[NEW.imei], ARRAY[NULL::timestamptz],
        ARRAY[COALESCE(NEW.event_time, NEW.received_at)], ARRAY[NULL::boolean], 'push_heartbeat', NEW.received_at);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER push_messages_heartbeat_contact AFTER INSERT ON tracksolid.push_messages
  FOR EACH ROW WHEN (NEW.msg_type ILIKE '%hb%' OR NEW.msg_type ILIKE '%heartbeat%')
  EXECUTE FUNCTION tracksolid.push_heartbeat_contact();

-- Who drove which vehicle when: the driver clock attributes each past day to the driver then
-- assigned. Written by the device sync's upserts of tracksolid.devices through the trigger below,
-- at the sync's own clock (updated_at). The first known assignment reaches back to -infinity so
-- history backfilled before the first sync is attributed to the first driver known.
CREATE TABLE tracksolid.device_assignments (
  imei            text        NOT NULL,
  valid_from      timestamptz NOT NULL,
  valid_to        timestamptz,
  driver_name     text,
  driver_phone    text,
  vehicle_number  text,
  vehicle_name    text,
  recorded_at     timestamptz NOT NULL,
  PRIMARY KEY (imei, valid_from)
);
CREATE UNIQUE INDEX device_assignments_open_idx ON tracksolid.device_assignments (imei) WHERE valid_to IS NULL;

CREATE FUNCTION tracksolid.record_device_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.driver_name, NEW.vehicle_number) IS NOT DISTINCT FROM (OLD.driver_name, OLD.vehicle_number) THEN
    RETURN NULL;
  END IF;
  UPDATE tracksolid.device_assignments SET valid_to = NEW.updated_at
   WHERE imei = NEW.imei AND valid_to IS NULL;
  INSERT INTO tracksolid.device_assignments AS a
    (imei, valid_from, valid_to, driver_name, driver_phone, vehicle_number, vehicle_name, recorded_at)
  VALUES (NEW.imei,
          CASE WHEN EXISTS (SELECT 1 FROM tracksolid.device_assignments x WHERE x.imei = NEW.imei)
               THEN NEW.updated_at ELSE '-infinity' END,
          NULL, NEW.driver_name, NEW.driver_phone, NEW.vehicle_number, NEW.vehicle_name, NEW.updated_at)
  ON CONFLICT (imei, valid_from) DO UPDATE SET
    valid_to = NULL, driver_name = EXCLUDED.driver_name, driver_phone = EXCLUDED.driver_phone,
    vehicle_number = EXCLUDED.vehicle_number, vehicle_name = EXCLUDED.vehicle_name, recorded_at = EXCLUDED.recorded_at;
  RETURN NULL;
END
$$;
CREATE TRIGGER devices_assignment_history AFTER INSERT OR UPDATE OF driver_name, vehicle_number ON tracksolid.devices
  FOR EACH ROW EXECUTE FUNCTION tracksolid.record_device_assignment();

INSERT INTO tracksolid.device_assignments (imei, valid_from, driver_name, driver_phone, vehicle_number, vehicle_name,
                                          recorded_at)
SELECT imei, '-infinity', driver_name, driver_phone, vehicle_number, vehicle_name, now() FROM tracksolid.devices;

-- Indexes the reports need: a vehicle's latest alarms (timeline, fleet status), stops by end
-- (rollups find the stops overlapping a window), a vehicle's open and latest stop.
CREATE INDEX alarms_imei_time_idx ON tracksolid.alarms (imei, alarm_time DESC);
CREATE INDEX parking_imei_end_idx ON tracksolid.parking (imei, end_time);
CREATE INDEX parking_end_idx ON tracksolid.parking (end_time);
CREATE INDEX parking_open_idx ON tracksolid.parking (imei, start_time DESC) WHERE end_time IS NULL;
CREATE INDEX parking_imei_start_idx ON tracksolid.parking (imei, start_time DESC);
CREATE INDEX trips_imei_end_idx ON tracksolid.trips (imei, end_time DESC);
