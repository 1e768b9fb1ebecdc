#!/usr/bin/env bash
# Benchmarks the push webhook from outside the JVM. Starts the built jar with the shipped JVM
# settings (deploy/jvm.options) on its own embedded PostgreSQL, drives it with wrk at 1, 10 and
# 100 items per push as form and JSON bodies, and measures, per run: items/s, p50/p99/p99.9, the
# service's CPU and resident memory (the JVM only, not the database) and the number of commits.
# In the same run it measures the COPY ceiling for the same rows and a pgbench single-row upsert.
# Prints the results and writes them, with this command, into docs/reports/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && bench/webhook-wrk.sh
#
# By default the service runs on its embedded PostgreSQL (which runs with fsync and
# synchronous_commit off). For durable commits, either set BENCH_POSTGRES_BIN to a directory with
# initdb and pg_ctl (e.g. /usr/lib/postgresql/15/bin): the script runs a throw-away cluster with
# default settings there, except BENCH_PG_SETTINGS (as user postgres when run as root), and removes it
# afterwards; or set BENCH_ADMIN_URL to a superuser URL of a running server
# (postgresql://postgres@127.0.0.1:5432/postgres): the script creates a fresh database on it and drops
# it afterwards.
#
# Environment: DURATION (10s), THREADS (2), CONNECTIONS (32), COPY_ROWS (200000), BENCH_ADMIN_URL,
# BENCH_PG_SETTINGS (the throw-away cluster's settings: by default those docker-compose.yaml gives
# the database, "max_wal_size=8GB checkpoint_timeout=15min backend_flush_after=256kB"; empty runs it
# on PostgreSQL's defaults), REPORT (docs/reports/benchmarks.md; empty prints only), REPORT_MARK
# (webhook-wrk: the report section this run replaces), JAVA ($JAVA_HOME/bin/java, else java; 21+).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
COPY_ROWS=${COPY_ROWS:-200000}
REPORT=${REPORT-docs/reports/benchmarks.md}
REPORT_MARK=${REPORT_MARK:-webhook-wrk}
PG_COMPOSE_SETTINGS="max_wal_size=8GB checkpoint_timeout=15min backend_flush_after=256kB"
BENCH_PG_SETTINGS=${BENCH_PG_SETTINGS-$PG_COMPOSE_SETTINGS}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
JAR=target/tracksolid-ingest.jar
TOKEN=bench-wrk-token-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

for tool in wrk psql pgbench curl "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "webhook-wrk: $tool is required" >&2; exit 2; }
done
[ -f "$JAR" ] || { echo "webhook-wrk: build first: ./mvnw -q -DskipTests package" >&2; exit 2; }
JAVA_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${JAVA_MAJOR:-0}" -ge 21 ] || { echo "webhook-wrk: needs Java 21 or newer (set JAVA_HOME or JAVA)" >&2; exit 2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

WORK=$(mktemp -d)
PORT=$(free_port)
PGPORT=$(free_port)
PID=
SAMPLER=
BENCH_DB=
CLUSTER=
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
cleanup() {
  if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 60); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  if [ -n "$BENCH_DB" ]; then psql -X -q "$BENCH_ADMIN_URL" -c "DROP DATABASE IF EXISTS $BENCH_DB" || true; fi
  if [ -n "$CLUSTER" ]; then as_owner "'$BENCH_POSTGRES_BIN/pg_ctl' -D '$CLUSTER/data' -m fast stop" >/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

DB_NOTE=
if [ -n "${BENCH_POSTGRES_BIN:-}" ]; then
  CLUSTER="$WORK/cluster"
  CLUSTER_PORT=$(free_port)
  mkdir -p "$CLUSTER"
  [ "$(id -u)" = 0 ] && chown postgres "$WORK" "$CLUSTER"
  PG_OPTS=
  for setting in $BENCH_PG_SETTINGS; do PG_OPTS="$PG_OPTS -c $setting"; done
  as_owner "'$BENCH_POSTGRES_BIN/initdb' -D '$CLUSTER/data' -A trust -U postgres >/dev/null"
  as_owner "'$BENCH_POSTGRES_BIN/pg_ctl' -D '$CLUSTER/data' -l '$CLUSTER/log' -w -o \"-p $CLUSTER_PORT -k '$CLUSTER' -c listen_addresses=127.0.0.1$PG_OPTS\" start" >/dev/null
  BENCH_ADMIN_URL="postgresql://postgres@127.0.0.1:$CLUSTER_PORT/postgres"
  DB_NOTE=", a throw-away cluster from BENCH_POSTGRES_BIN=$BENCH_POSTGRES_BIN with default settings${BENCH_PG_SETTINGS:+ except $BENCH_PG_SETTINGS}"
fi

if [ -n "${BENCH_ADMIN_URL:-}" ]; then
  BENCH_DB=bench_webhook_$$
  psql -X -q "$BENCH_ADMIN_URL" -c "CREATE DATABASE $BENCH_DB"
  DB_URL="${BENCH_ADMIN_URL%/*}/$BENCH_DB"
  DB_WHERE="PostgreSQL at ${BENCH_ADMIN_URL##*@}$DB_NOTE"
else
  DB_URL="postgresql://postgres@127.0.0.1:$PGPORT/tracksolid"
  DB_WHERE="its embedded PostgreSQL"
fi
SERVICE_DB_URL=
[ -n "$BENCH_DB" ] && SERVICE_DB_URL=$DB_URL

mapfile -t JVM_OPTS < <(grep -v '^\s*\(#\|$\)' deploy/jvm.options)
echo "starting the service (${JVM_OPTS[*]}) on port $PORT, database $DB_WHERE"
env JIMI_WEBHOOK_TOKEN="$TOKEN" HTTP_HOST=127.0.0.1 HTTP_PORT="$PORT" EMBEDDED_PG_DIR="$WORK/pg" \
  EMBEDDED_PG_PORT="$PGPORT" WEBHOOK_SPOOL_DIR="$WORK/spool" GEOCODE_ENABLED=false POLL_ENABLED=false \
  LOG_LEVEL=WARN LOG_FORMAT=text DATABASE_URL="$SERVICE_DB_URL" \
  "$JAVA" "${JVM_OPTS[@]}" -jar "$JAR" >"$WORK/service.log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; echo "webhook-wrk: the service did not start" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null

PSQL=(psql -X -q -At "$DB_URL")
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status"; }
commits() { "${PSQL[@]}" -c "SELECT count(*) FROM tracksolid.ingestion_log WHERE stream LIKE 'webhook.%'"; }
# Checkpoints started (timed or requested): a checkpoint's sync stalls commits on a shared disk.
checkpoints() {
  "${PSQL[@]}" -c "SELECT num_timed + num_requested FROM pg_stat_checkpointer" 2>/dev/null ||
    "${PSQL[@]}" -c "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
}

# Warm-up (not reported): the JIT compiles the hot path before the first measured run.
ITEMS=10 FORMAT=form TOKEN=$TOKEN RUN=9 wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/webhook-push.lua \
  "http://127.0.0.1:$PORT" >/dev/null
ITEMS=10 FORMAT=json TOKEN=$TOKEN RUN=8 wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/webhook-push.lua \
  "http://127.0.0.1:$PORT" >/dev/null

RESULTS=()
run=0
for items in 1 10 100; do
  for format in form json; do
    run=$((run + 1))
    c0=$(commits); t0=$(cpu_ticks); k0=$(checkpoints)
    : >"$WORK/rss"
    ( while true; do rss_kb >>"$WORK/rss"; sleep 0.5; done ) &
    SAMPLER=$!
    out=$(ITEMS=$items FORMAT=$format TOKEN=$TOKEN RUN=$run wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" \
      -s bench/webhook-push.lua "http://127.0.0.1:$PORT")
    kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=
    t1=$(cpu_ticks); c1=$(commits); k1=$(checkpoints)
    line=$(grep '^RESULT' <<<"$out")
    get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" ${line#RESULT}"; }
    requests=$(get requests); non2xx=$(get non2xx); socket=$(get socket_errors); us=$(get duration_us)
    p50=$(get p50_us); p99=$(get p99_us); p999=$(get p999_us)
    rss=$(sort -n "$WORK/rss" | tail -1)
    row=$(awk -v f="$format" -v i="$items" -v r="$requests" -v n="$non2xx" -v s="$socket" -v us="$us" \
      -v p50="$p50" -v p99="$p99" -v p999="$p999" -v cpu=$((t1 - t0)) -v tck="$TICKS" -v rss="$rss" \
      -v commits=$((c1 - c0)) -v ckpt=$((k1 - k0)) 'BEGIN {
        sec = us / 1e6; ok = r - n;
        printf "| %s | %d | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.0f%% | %.0f | %d | %d | %d |", f, i, r,
          ok / sec, ok * i / sec, p50 / 1000, p99 / 1000, p999 / 1000, 100 * cpu / tck / sec, rss / 1024,
          commits, ckpt, n + s }')
    echo "$row"
    RESULTS+=("$row")
  done
done
PEAK_RSS=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status")

# The COPY ceiling: the same rows, the same table shape and indexes, one COPY.
"${PSQL[@]}" -c "DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (LIKE tracksolid.position_history INCLUDING ALL)"
awk -v n="$COPY_ROWS" 'BEGIN {
  for (k = 1; k <= n; k++) {
    imei = sprintf("87%013d", int((k - 1) / 100)); s = (k - 1) % 100 + 1;
    t = sprintf("2024-05-01 %02d:%02d:%02d+00", int(s / 3600) % 24, int(s / 60) % 60, s % 60);
    raw = sprintf("{\"\"deviceImei\"\":\"\"%s\"\",\"\"gpsTime\"\":\"\"%s\"\",\"\"lat\"\":-1.2864,\"\"lng\"\":36.8172}", imei, substr(t, 1, 19));
    printf "%s,%s,-1.2864,36.8172,42,180,GPS,true,11,push,\"%s\"\n", imei, t, raw } }' >"$WORK/rows.csv"
c_start=$(date +%s.%N)
"${PSQL[@]}" -c "\\copy bench_copy (imei, gps_time, lat, lng, speed_kmh, direction, pos_type, acc, satellites, source, raw) FROM '$WORK/rows.csv' CSV"
c_end=$(date +%s.%N)
COPY_RATE=$(awk -v n="$COPY_ROWS" -v a="$c_start" -v b="$c_end" 'BEGIN { printf "%.0f", n / (b - a) }')
echo "COPY ceiling: $COPY_RATE rows/s"

# pgbench: one row per statement and transaction, the same upsert shape, 32 clients.
"${PSQL[@]}" -c "DROP TABLE IF EXISTS bench_upsert; CREATE TABLE bench_upsert (LIKE tracksolid.position_history INCLUDING ALL)"
cat >"$WORK/upsert.sql" <<'SQL'
\set k random(1, 1000000000)
INSERT INTO bench_upsert (imei, gps_time, lat, lng, speed_kmh, source) VALUES (:k::text, '2024-05-01 10:00:00+00', -1.2864, 36.8172, 42, 'push') ON CONFLICT (imei, gps_time) DO UPDATE SET speed_kmh = EXCLUDED.speed_kmh;
SQL
PGB=$(pgbench -n -c "$CONNECTIONS" -j "$THREADS" -T "${DURATION%s}" -f "$WORK/upsert.sql" \
  "$DB_URL" 2>&1)
PGB_TPS=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$PGB" | head -1)
PGB_LAT=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$PGB" | head -1)
echo "pgbench single-row upsert: $PGB_TPS tps, latency average $PGB_LAT ms"
"${PSQL[@]}" -c "DROP TABLE bench_copy; DROP TABLE bench_upsert"

PG_VERSION=$("${PSQL[@]}" -c "SHOW server_version")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
REPRODUCE=
if [ -n "${BENCH_POSTGRES_BIN:-}" ]; then
  REPRODUCE="BENCH_POSTGRES_BIN=$BENCH_POSTGRES_BIN"
  [ "$BENCH_PG_SETTINGS" = "$PG_COMPOSE_SETTINGS" ] ||
    REPRODUCE="$REPRODUCE BENCH_PG_SETTINGS='$BENCH_PG_SETTINGS'"
  [ "$REPORT_MARK" = webhook-wrk ] || REPRODUCE="$REPRODUCE REPORT_MARK=$REPORT_MARK"
elif [ -n "$BENCH_DB" ]; then
  REPRODUCE="BENCH_ADMIN_URL=<superuser URL>"
fi
DURABILITY=$("${PSQL[@]}" -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')")
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -1)
TITLE_NOTE=
[ -n "$BENCH_PG_SETTINGS" ] || TITLE_NOTE=", PostgreSQL on its default settings"
SECTION=$(cat <<MD
<!-- $REPORT_MARK:begin -->
## Webhook under wrk (load from outside the JVM)$TITLE_NOTE

Reproduce: \`./mvnw -q -DskipTests package && $REPRODUCE bench/webhook-wrk.sh\`
(wrk -t$THREADS -c$CONNECTIONS -d$DURATION per row, \`bench/webhook-push.lua\`: every item a new key, the form body
carries the token field; the service runs the jar with \`deploy/jvm.options\`
(\`${JVM_OPTS[*]}\`) on $DB_WHERE, version $PG_VERSION ($DURABILITY), fresh database, on the same machine;
a 10 s warm-up precedes the measured runs).

Measured $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPU(s), $JAVA_VERSION. CPU is the service's (JVM) share of one core
over the run; RSS the JVM's largest resident set sampled every 0.5 s (the database's processes are not counted);
commits are ingestion_log rows (one per stream per commit); checkpoints are those PostgreSQL started during
the row (each one's sync competes with the commits' WAL flushes on the one disk). wrk, the service and PostgreSQL share the CPUs;
the machine's load average at the end of the run was $LOAD (other work on the machine competes too).

| body | items/push | requests | requests/s | items/s | p50 ms | p99 ms | p99.9 ms | service CPU | service RSS MB | commits | checkpoints | errors |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${RESULTS[@]}")

Peak resident memory of the service over the whole run (VmHWM): **$PEAK_RSS MB**.

Ceiling: one \`COPY\` of $COPY_ROWS rows of the same shape into a copy of tracksolid.position_history (same
indexes): **$COPY_RATE rows/s**. For comparison, pgbench with one upsert per transaction
(-c$CONNECTIONS -j$THREADS -T${DURATION%s}): **$PGB_TPS transactions (rows)/s**, latency average $PGB_LAT ms.

Targets of the issue, on this machine class: 1 item per push at least 6,500 items/s with p99 at or below
20 ms; 100 items per push at least 50,000 items/s with p99 at or below 100 ms; resident memory at or below
300 MB.
<!-- $REPORT_MARK:end -->
MD
)
echo
echo "$SECTION"
if [ -n "$REPORT" ]; then
  if grep -q "<!-- $REPORT_MARK:begin -->" "$REPORT" 2>/dev/null; then
    awk -v section="$SECTION" -v begin="<!-- $REPORT_MARK:begin -->" -v end="<!-- $REPORT_MARK:end -->" '
      $0 == begin { print section; skip = 1; next }
      $0 == end { skip = 0; next }
      !skip { print }' "$REPORT" >"$WORK/report.md"
    cp "$WORK/report.md" "$REPORT"
  else
    printf '\n%s\n' "$SECTION" >>"$REPORT"
  fi
  echo "written to $REPORT"
fi
