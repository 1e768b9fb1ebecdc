-- The runs that change device_state and device_assignments now write them themselves, in their own
-- transaction: the device sync's upsert of tracksolid.devices records driver and vehicle changes
-- (store.DeviceAssignmentWriter), and the webhook records the contact of each heartbeat it stores
-- in push_messages (store.DeviceContactWriter). The V7 triggers that did it behind their backs go,
-- with their trigger functions. tracksolid.record_device_contact stays; its current definition
-- is in R__device_contact.sql.
DROP TRIGGER IF EXISTS push_messages_heartbeat_contact ON tracksolid.push_messages;
DROP TRIGGER IF EXISTS devices_assignment_history ON tracksolid.devices;
DROP FUNCTION IF EXISTS tracksolid.push_heartbeat_contact();
DROP FUNCTION IF EXISTS tracksolid.record_device_assignment();
