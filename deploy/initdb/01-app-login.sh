#!/bin/sh
# Creates the service's and the backup sidecar's logins once, when the database volume is first
# initialised. Each login holds one role: tracksolid_app only tracksolid_ingest (DML, no DDL),
# tracksolid_backup_login only tracksolid_backup (reads everything; granted pg_read_all_data by
# migration V5). The roles are pre-created here so the grants can be made now; the migrations
# create them idempotently. psql reads the passwords from the Docker secrets itself, so they
# never appear on a command line or in this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
\set app_password \`cat "$APP_PASSWORD_FILE"\`
\set backup_password \`cat "$BACKUP_PASSWORD_FILE"\`
SELECT 'CREATE ROLE tracksolid_ingest NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_ingest') \gexec
SELECT 'CREATE ROLE tracksolid_reader NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_reader') \gexec
SELECT 'CREATE ROLE tracksolid_owner NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_owner') \gexec
SELECT 'CREATE ROLE tracksolid_backup NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_backup') \gexec
GRANT pg_read_all_data TO tracksolid_backup;
CREATE ROLE tracksolid_app LOGIN PASSWORD :'app_password' IN ROLE tracksolid_ingest;
CREATE ROLE tracksolid_backup_login LOGIN PASSWORD :'backup_password' IN ROLE tracksolid_backup;
SQL
