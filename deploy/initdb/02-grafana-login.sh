#!/bin/sh
# Creates Grafana's database login once, when the volume is first initialised: it holds only
# tracksolid_reader (SELECT on reporting.*, nothing in tracksolid.*). Skipped when no password
# secret is mounted. psql reads the password from the secret file itself.
set -eu
if [ -z "${GRAFANA_DB_PASSWORD_FILE:-}" ] || [ ! -s "$GRAFANA_DB_PASSWORD_FILE" ]; then
  echo "no Grafana database password: grafana_reader not created"
  exit 0
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
\set grafana_password \`cat "$GRAFANA_DB_PASSWORD_FILE"\`
SELECT 'CREATE ROLE tracksolid_reader NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracksolid_reader') \gexec
CREATE ROLE grafana_reader LOGIN PASSWORD :'grafana_password' IN ROLE tracksolid_reader;
SQL
