#!/usr/bin/env bash
# Fresh-machine test: the README's two commands, verbatim, as a newcomer meets them.
#
# Clones this repository (its committed HEAD) into a temporary directory, unsets JAVA_HOME, puts a
# java 17 first on the PATH (JDKs stay wherever the launcher looks, e.g. /usr/lib/jvm), then:
#   1. ./tracksolid-ingest --demo   must answer /health and /health/ingest with every required and
#                                   every push stream "ok" within two minutes; after a clean stop
#                                   there is no file-uploads/ and nothing outside data/ and target/;
#   2. ./tracksolid-ingest test     must pass (skipped with --demo-only).
#
# Usage: scripts/fresh-machine-test.sh [--demo-only]
# Env:   JAVA17 (a java 17 executable; default /usr/lib/jvm/java-17-openjdk-amd64/bin/java or the
#        java on the PATH when it is 17), KEEP=1 keeps the clone for inspection.
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO_ONLY=false
[ "${1:-}" = "--demo-only" ] && DEMO_ONLY=true
DEADLINE_S=120

say() { echo "fresh-machine: $*"; }
fail() { echo "fresh-machine: FAIL: $*" >&2; exit 1; }

major_of() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= *' '/java\.specification\.version/ {print $2; exit}'; }

JAVA17="${JAVA17:-}"
if [ -z "$JAVA17" ]; then
  for candidate in /usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/java-17-openjdk/bin/java "$(command -v java || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(major_of "$candidate")" = "17" ]; then
      JAVA17="$candidate"
      break
    fi
  done
fi
[ -n "$JAVA17" ] || fail "no java 17 found to put first on the PATH (set JAVA17)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tsi-fresh.XXXXXX")"
DEMO_PID=""
cleanup() {
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill "$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = "1" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

say "cloning $(git -C "$SOURCE" rev-parse --short HEAD) into $WORK/repo"
git clone -q --no-hardlinks --branch "$(git -C "$SOURCE" rev-parse --abbrev-ref HEAD)" "$SOURCE" "$WORK/repo"
cd "$WORK/repo"

# The machine: no JAVA_HOME, a PATH whose java is 17.
mkdir -p "$WORK/java17-bin"
ln -s "$JAVA17" "$WORK/java17-bin/java"
unset JAVA_HOME
export PATH="$WORK/java17-bin:$PATH"
say "java on the PATH: $(java -version 2>&1 | head -1); JAVA_HOME unset"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Only the ports are chosen, so the run does not collide with anything else on this machine.
HTTP_PORT="$(free_port)"
export HTTP_PORT

say "README command 1: ./tracksolid-ingest --demo  (HTTP_PORT=$HTTP_PORT)"
./tracksolid-ingest --demo >"$WORK/demo.log" 2>&1 &
DEMO_PID=$!

started=$(date +%s)
ingest=""
while :; do
  now=$(date +%s)
  if ! kill -0 "$DEMO_PID" 2>/dev/null; then
    tail -50 "$WORK/demo.log" >&2
    fail "the demo exited"
  fi
  # The jar is built first (not counted against the demo's two minutes).
  if [ -f target/tracksolid-ingest.jar ] && grep -q "service started" "$WORK/demo.log"; then
    [ -n "${ready_at:-}" ] || ready_at=$now
    if curl -fsS "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1; then
      ingest=$(curl -sS "http://127.0.0.1:$HTTP_PORT/health/ingest" || true)
      if python3 - "$ingest" <<'EOF'
import json, sys
body = json.loads(sys.argv[1])
pending = [s["stream"] + "/" + (s["account"] or "-") + "=" + s["status"] for s in body["streams"]
           if (not s["optional"] or s["kind"] == "webhook") and s["status"] != "ok"]
pushes = [s for s in body["streams"] if s["kind"] == "webhook"]
sys.exit(0 if not pending and pushes else 1)
EOF
      then
        break
      fi
    fi
    if [ $((now - ready_at)) -gt "$DEADLINE_S" ]; then
      echo "$ingest" >&2
      fail "not every required and push stream was ok within ${DEADLINE_S}s of startup"
    fi
  elif [ $((now - started)) -gt 900 ]; then
    tail -50 "$WORK/demo.log" >&2
    fail "the demo did not start within 15 minutes (build included)"
  fi
  sleep 2
done
say "demo healthy $(( $(date +%s) - ready_at ))s after the service started ($(( $(date +%s) - started ))s after the command, build included); /health/ingest:"
python3 -c 'import json,sys; [print("   ", s["stream"], s["account"] or "-", s["status"], s["rowsInWindow"]) for s in json.loads(sys.argv[1])["streams"]]' "$ingest"
grep -A7 "demo is running" "$WORK/demo.log" | sed 's/^/    /' || true

kill "$DEMO_PID"
wait "$DEMO_PID" || fail "the demo did not stop cleanly"
DEMO_PID=""
[ ! -e file-uploads ] || fail "the demo created file-uploads/"
stray=$(git status --porcelain --ignored | grep -v -E '^!! (data|target)/$' || true)
[ -z "$stray" ] || fail "the demo wrote outside data/ and target/: $stray"
say "demo stopped cleanly; no file-uploads/, nothing written outside data/ and target/"

if [ "$DEMO_ONLY" = true ]; then
  say "PASS (demo only)"
  exit 0
fi
say "README command 2: ./tracksolid-ingest test"
./tracksolid-ingest test
say "PASS"
