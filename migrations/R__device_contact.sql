-- Last contact per device (tracksolid.device_state, V7). A parked tracker sends heartbeats but no
-- new fix, so "offline" is judged on contact (fix or heartbeat), not on the last fix alone.
-- Called only through store.DeviceContactWriter: by the latest-position poll (gpsTime, hbTime and
-- the vendor's online flag, source 'poll') and by the webhook for the heartbeats it stores
-- (source 'push_heartbeat'), each in its run's transaction.
--
-- Times only move forward; a repeated report changes nothing (no row version, no WAL).
CREATE OR REPLACE FUNCTION tracksolid.record_device_contact(p_imei text[], p_fix timestamptz[],
                                                            p_heartbeat timestamptz[], p_online boolean[],
                                                            p_source text, p_now timestamptz)
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

-- The runtime role calls it from the location poll and the webhook.
REVOKE ALL ON FUNCTION tracksolid.record_device_contact(text[], timestamptz[], timestamptz[], boolean[], text, timestamptz)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tracksolid.record_device_contact(text[], timestamptz[], timestamptz[], boolean[], text, timestamptz)
  TO tracksolid_ingest;
