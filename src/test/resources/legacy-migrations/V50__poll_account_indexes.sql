-- A first poll starts from the newest row already stored for its account, and the device sync
-- reads an account's active devices on every run: index both instead of scanning.
CREATE INDEX IF NOT EXISTS alarms_account_time_idx ON tracksolid.alarms (account, alarm_time DESC);
CREATE INDEX IF NOT EXISTS trips_account_time_idx ON tracksolid.trips (account, start_time DESC);
CREATE INDEX IF NOT EXISTS parking_account_time_idx ON tracksolid.parking (account, start_time DESC);
CREATE INDEX IF NOT EXISTS devices_account_active_idx ON tracksolid.devices (account) WHERE active;
