-- The address backfill records that it looked a row up and got a definite answer (an address
-- or "no address here"), so no row is ever looked up twice. NULL means "not tried yet" or
-- "tried while the lane was unavailable"; both are tried again. Nullable without a default, so
-- adding it is instant and allowed on (compressed) hypertables too.
ALTER TABLE tracksolid.trips   ADD COLUMN IF NOT EXISTS address_attempted_at timestamptz;
ALTER TABLE tracksolid.parking ADD COLUMN IF NOT EXISTS address_attempted_at timestamptz;
ALTER TABLE tracksolid.alarms  ADD COLUMN IF NOT EXISTS address_attempted_at timestamptz;

COMMENT ON COLUMN tracksolid.trips.address_attempted_at IS
  'When the address backfill got a definite answer for start and end; NULL = not yet.';
COMMENT ON COLUMN tracksolid.parking.address_attempted_at IS
  'When the address backfill got a definite answer; NULL = not yet.';
COMMENT ON COLUMN tracksolid.alarms.address_attempted_at IS
  'When the address backfill got a definite answer; NULL = not yet.';
