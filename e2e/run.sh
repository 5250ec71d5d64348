#!/usr/bin/env bash
# The desk's browser journeys (e2e/journeys/, Playwright driving Debian's /usr/bin/chromium, axe-core
# in every page) and, with LIGHTHOUSE=1, Lighthouse on My day, against a live production-style server:
# a scratch SQLite database (var/e2e.sqlite3) with the demo data and a branch of 2,000 due leads,
# static files collected with the production storage, gunicorn on 127.0.0.1:$E2E_PORT.
# `make e2e` and `make lighthouse` run this. Screenshots and reports: e2e/output/.
#
# Usage: e2e/run.sh [journeys|lighthouse|all|serve] (journeys by default; serve: only the server, to
# run one journey by hand: cd e2e && node --test journeys/<file>)
set -euo pipefail
cd "$(dirname "$0")/.."

WHAT=${1:-journeys}
PY=.venv/bin/python
PORT=${E2E_PORT:-8021}
export LIGHTHOUSE_PORT=${LIGHTHOUSE_PORT:-$((PORT + 9))}  # the DevTools port Lighthouse drives
export E2E_BASE_URL=http://127.0.0.1:$PORT
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
OUT=e2e/output
mkdir -p "$OUT"
rm -f var/e2e.sqlite3 var/e2e.sqlite3-wal var/e2e.sqlite3-shm
mkdir -p var

export DATABASE_URL="sqlite:///$PWD/var/e2e.sqlite3"
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="e2e-only-$(date +%s%N)-not-a-production-key"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SESSION_COOKIE_SECURE=false DJANGO_CSRF_COOKIE_SECURE=false DJANGO_SECURE_HSTS_SECONDS=0
# Every journey signs in afresh: the sign-in throttle is tested on its own.
export DJANGO_THROTTLE_LOGIN=100000/minute DJANGO_THROTTLE_USER=100000/minute DJANGO_THROTTLE_SEARCH=100000/minute
export DJANGO_THROTTLE_LOGIN_ACCOUNT=100000/hour DJANGO_THROTTLE_LOGIN_ACCOUNT_CEILING=100000/hour
export REDIS_URL=""
# No WhatsApp number is connected: the messages journey's sends go to the server's log (docs/messaging.md).
export MESSAGING_LOG_PROVIDER=true MESSAGING_QUIET_HOURS=""

$PY manage.py migrate --noinput >"$OUT/migrate.log"
$PY manage.py collectstatic --noinput --verbosity 0
$PY manage.py seed_demo >"$OUT/seed.log"
$PY manage.py shell --verbosity 0 <e2e/seed_busy_branch.py >>"$OUT/seed.log"

.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "${E2E_WORKERS:-2}" --timeout 60 \
  --error-logfile "$OUT/server.log" --capture-output &
SERVER=$!
stop() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT
trap 'exit 143' INT TERM  # the EXIT trap then stops the server too
for _ in $(seq 120); do
  curl -fsS -o /dev/null "$E2E_BASE_URL/desk/signin" 2>/dev/null && break
  sleep 0.5
done

cd e2e
case "$WHAT" in
  journeys) node --test --test-concurrency=1 --test-reporter=spec journeys/ ;;
  lighthouse) node lighthouse.mjs ;;
  serve) echo "serving $E2E_BASE_URL (Ctrl-C stops)"; wait "$SERVER" ;;
  all) node --test --test-concurrency=1 --test-reporter=spec journeys/ && node lighthouse.mjs ;;
  *) echo "usage: e2e/run.sh [journeys|lighthouse|all|serve]" >&2; exit 2 ;;
esac
