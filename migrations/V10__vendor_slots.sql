-- The per-account cap on Tracksolid calls (TRACKSOLID_MAX_INFLIGHT), shared by every replica:
-- a counting semaphore of one row per (account, slot). A vendor call claims a free row with one
-- short statement, holds it (not a connection) while the call runs, and frees it with another.
-- A replica that dies mid-call loses its rows when expires_at passes.
CREATE TABLE tracksolid.vendor_slots (
  account     text        NOT NULL,
  slot        integer     NOT NULL CHECK (slot >= 0),
  holder      text,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (account, slot)
);
-- SELECT, INSERT and UPDATE for tracksolid_ingest come from afterMigrate.sql, as for every
-- tracksolid table; a slot is freed by an UPDATE, never deleted.
