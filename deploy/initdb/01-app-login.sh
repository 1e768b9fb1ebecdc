#!/bin/sh
# Creates the service's login once, when the database volume is first initialised. The login
# holds only tracksolid_ingest (created by the service's first migration; pre-created here so
# the grant can be made now). psql reads the password from the Docker secret itself, so it
# never appears on a command line or in this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
\set app_password \`cat "$APP_PASSWORD_FILE"\`
SELECT 'CREATE ROLE tracksolid_ingest NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_ingest') \gexec
SELECT 'CREATE ROLE tracksolid_reader NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_reader') \gexec
SELECT 'CREATE ROLE tracksolid_owner NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_owner') \gexec
CREATE ROLE tracksolid_app LOGIN PASSWORD :'app_password' IN ROLE tracksolid_ingest;
SQL
