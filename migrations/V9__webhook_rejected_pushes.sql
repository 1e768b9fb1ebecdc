-- Dead letters of the webhook: push requests PostgreSQL refuses for their own content (a value
-- no guard caught, a constraint), kept whole so they can be inspected and replayed after a fix,
-- instead of being retried for ever in front of everything else. The body is the request as
-- parsed, without its token; json (not jsonb) keeps it exactly, escaped NULs included.
CREATE TABLE tracksolid.rejected_pushes (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id   uuid        NOT NULL UNIQUE,
  path         text        NOT NULL,
  received_at  timestamptz NOT NULL,
  rejected_at  timestamptz NOT NULL DEFAULT now(),
  sqlstate     text        NOT NULL,
  message      text,
  items        integer     NOT NULL,
  body         json        NOT NULL
);
CREATE INDEX rejected_pushes_received_idx ON tracksolid.rejected_pushes (received_at);

-- The webhook inserts and counts dead letters; a replay deletes each one in the transaction that
-- stores its items, so a dead letter is replayed exactly once.
GRANT SELECT, INSERT, DELETE ON tracksolid.rejected_pushes TO tracksolid_ingest;
