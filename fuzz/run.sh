#!/usr/bin/env bash
# Property-based fuzzing of the whole API with schemathesis, as a branch user, against a scratch
# SQLite database with the demo data. `make fuzz` runs this; it exits non-zero on any failure.
#
# Tunables (environment): FUZZ_PORT (8019), FUZZ_MAX_EXAMPLES (30 per operation), FUZZ_SEED,
# FUZZ_USER (branch_a1), FUZZ_WORKERS (2: fuzzer threads and gunicorn workers).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PORT=${FUZZ_PORT:-8019}
BASE=http://127.0.0.1:$PORT
OUT=var/fuzz
mkdir -p "$OUT"
rm -f var/fuzz.sqlite3

# Production-like settings (debug off) on plain HTTP and a scratch database; throttles high
# enough that the fuzzer's bursts measure the API, not the rate limits (tested on their own).
export DATABASE_URL="sqlite:///$PWD/var/fuzz.sqlite3"
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="fuzz-only-$(date +%s%N)-not-a-production-key"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SESSION_COOKIE_SECURE=false DJANGO_CSRF_COOKIE_SECURE=false DJANGO_SECURE_HSTS_SECONDS=0
export DJANGO_THROTTLE_USER=100000/minute DJANGO_THROTTLE_LOGIN=100000/minute DJANGO_THROTTLE_SEARCH=100000/minute
export REDIS_URL=""

$PY manage.py migrate --noinput >"$OUT/migrate.log"
# Debug off serves static files by their manifest (the receipt page links its stylesheet and script).
$PY manage.py collectstatic --noinput --verbosity 0
$PY manage.py seed_demo >"$OUT/seed.log"
# Leads in the state that lost/ and merge/ need in every phase (fixed ids the toml names).
$PY fuzz/fuzz_rows.py >"$OUT/fuzz_rows.log"
# The `future_days` dictionary (schemathesis.toml): a month and a year after the business day.
$PY manage.py shell --verbosity 0 -c 'from datetime import timedelta
from django.utils import timezone
today = timezone.localdate()
for days in (30, 365): print(f"\"{today + timedelta(days=days)}\"")' >"$OUT/future_days.dict"

# Two users at once against two gunicorn workers on SQLite, the default database: concurrent writers
# must queue (WAL, immediate transactions, busy timeout), never answer "database is locked".
WORKERS=${FUZZ_WORKERS:-2}
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 60 \
  --error-logfile "$OUT/server.log" --capture-output &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 60); do
  curl -fsS -o /dev/null "$BASE/api/schema/" && break
  sleep 0.5
done

TOKEN=$(curl -fsS -X POST "$BASE/api/auth/token/" -H "Content-Type: application/json" \
  -d "{\"username\": \"${FUZZ_USER:-branch_a1}\", \"password\": \"demo-pass-123\"}" \
  | $PY -c "import json, sys; print(json.load(sys.stdin)['token'])")

# Logout (and sign-out everywhere) would revoke the fuzzer's own token half-way; organizations' tests cover them.
fuzz() {
.venv/bin/schemathesis --config-file fuzz/schemathesis.toml run "$BASE/api/schema/" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
  --header "Authorization: Token $TOKEN" \
  --exclude-path /api/auth/logout/ \
  --exclude-path /api/auth/logoutall/ \
  --max-examples "${FUZZ_MAX_EXAMPLES:-30}" \
  --seed "${FUZZ_SEED:-20261127}" \
  --workers "$WORKERS" \
  --phases examples,coverage,fuzzing,stateful \
  --request-timeout 30 \
  --generation-database none \
  --no-color \
  --report junit --report-dir "$OUT" \
  "$@"
}

# CPython 3.11's AST constructor is not thread-safe: with 2 fuzzer threads, hypothesis describing a
# strategy's lambda can raise "SystemError: AST constructor recursion depth mismatch" inside
# schemathesis itself, with no request involved. Only that error earns one more run; any API
# failure fails at once.
if ! fuzz "$@" 2>&1 | tee "$OUT/schemathesis.log"; then
  if grep -q "recursion depth mismatch" "$OUT/schemathesis.log"; then
    echo "schemathesis hit CPython 3.11's thread-unsafe AST constructor (no request involved); running once more" >&2
    fuzz "$@"
  else
    exit 1
  fi
fi
