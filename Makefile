# Everything a new user needs: `make run` (service on SQLite with demo data), `make test` (the suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/leads
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/leads_bench
BENCH_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv clients desk desk-test messages run migrate seed test test-future test-postgres check clean bench bench-postgres bench-tools serve fuzz e2e e2e-journeys lighthouse install-chromium

help:
	@echo "make run            set up, migrate SQLite, seed demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test           set up and run the whole test suite on SQLite"
	@echo "make test-future    the suite with the clock $(FUTURE) ahead (Debian's faketime): no test may depend on the day"
	@echo "make test-postgres  run the suite on PostgreSQL at DATABASE_URL ($(PG_URL))"
	@echo "make bench          benchmark on SQLite var/bench.sqlite3 (LEADS=100000)"
	@echo "make bench-postgres benchmark on PostgreSQL at DATABASE_URL ($(BENCH_PG_URL)), e.g. LEADS=1000000"
	@echo "make serve          production server: migrate, collectstatic, gunicorn on $(HOST):$(PORT) (static via whitenoise)"
	@echo "make fuzz           schemathesis against /api/schema/ on a scratch database as branch_a1"
	@echo "make e2e            headless Chromium: the desk's journeys (Playwright, axe-core), Lighthouse on My day,"
	@echo "                    the admin and /api/docs/ (Selenium); screenshots and figures in e2e/output/"
	@echo "make lighthouse     Lighthouse (mobile) on My day as branch_a1: performance, accessibility, initial JS"
	@echo "make clients        openapi-typescript (clients/package-lock.json) for the generated-client tests"
	@echo "make desk           build the branch desk (frontend/: npm ci, vite build into desk/static/desk/)"
	@echo "make desk-test      the desk's checks: API types match the schema, tsc --noEmit, Vitest"
	@echo "make messages       extract the marked strings into locale/ur/LC_MESSAGES/django.po and compile the .mo"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# openapi-typescript, pinned by clients/package-lock.json, for the test that generates the TypeScript
# client from the schema (common/tests/test_generated_clients.py); `make test` installs it first.
CLIENTS := clients/node_modules/.installed
clients: $(CLIENTS)
$(CLIENTS): clients/package.json clients/package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	cd clients && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The branch desk (frontend/): React + TypeScript built by Vite into desk/static/desk/ (not committed),
# served by Django at /desk/. Node 20 and npm from Debian when missing; the lock file pins the rest.
DESK_MODULES := frontend/node_modules/.installed
DESK_BUILD := desk/static/desk/manifest.json
DESK_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)
$(DESK_MODULES): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@
$(DESK_BUILD): $(DESK_MODULES) $(DESK_SOURCES)
	cd frontend && npm run build --silent
desk: $(DESK_BUILD)

# The schema's TypeScript types regenerated and compared with the committed ones (a changed API
# schema fails here), then the type check and the Vitest suite.
desk-test: venv $(DESK_MODULES)
	cd frontend && PYTHON=$(CURDIR)/$(PY) npm run --silent check:api
	cd frontend && npm run --silent typecheck
	cd frontend && npm test --silent

# The Urdu catalog of the project's own strings: `makemessages` adds every newly marked string to the .po
# (translate it there), `compilemessages` writes the .mo. Both are committed, so running or deploying the
# service needs no gettext tools; only this target does (Debian's gettext from apt when missing).
# common/tests/test_translations.py fails while a marked string has no Urdu or the .mo is stale.
MESSAGES_IGNORE := --ignore='.venv/*' --ignore='frontend/*' --ignore='clients/*' --ignore='staticfiles/*' \
	--ignore='e2e/*' --ignore='benchmarks/*' --ignore='fuzz/*' --ignore='scripts/*' --ignore='*/tests/*' --ignore='var/*'
messages: venv
	@command -v xgettext >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext; }
	$(PY) manage.py makemessages -l ur --add-location=file $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l ur --ignore='.venv/*' --ignore='frontend/*' --ignore='clients/*'

migrate: venv desk
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "  Desk       http://$(HOST):$(PORT)/desk/   (the staff web app; / redirects there)"
	@echo "  API        http://$(HOST):$(PORT)/api/leads/list/   (also /api/me/, /api/auth/token/)"
	@echo "  API docs   http://$(HOST):$(PORT)/api/docs/   (ReDoc: /api/redoc/, schema: /api/schema/)"
	@echo "  Admin      http://$(HOST):$(PORT)/admin/"
	@echo "  Logins     admin, orgadmin_a, branch_a1, branch_a2, manager_a1, orgadmin_b, branch_b1, nobody"
	@echo "             password for every demo user: demo-pass-123"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: venv clients desk desk-test
	$(PY) -m pytest

# The whole suite with every clock of the process and its children moved ahead (libfaketime, from
# apt when missing): a test that depends on the day it runs fails here before it fails for real.
FUTURE ?= +400d
test-future: venv clients desk
	@command -v faketime >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime; }
	faketime -f '$(FUTURE)' $(PY) -m pytest

test-postgres: venv clients desk
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/create_database.py
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest

check: venv desk
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles clients/node_modules frontend/node_modules e2e/node_modules desk/static

# Benchmarks (benchmarks/): each seeds a database of its own once (reused while it matches), then
# times the API in-process and over HTTP (gunicorn + wrk). Extra runner flags: BENCH_ARGS="--json x.json".
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }

bench: venv bench-tools
	$(PY) -m benchmarks.run --database sqlite:///var/bench.sqlite3 --leads $(or $(LEADS),100000) $(BENCH_ARGS)

bench-postgres: venv bench-tools
	$(PY) -m benchmarks.run --database $${DATABASE_URL:-$(BENCH_PG_URL)} --leads $(or $(LEADS),1000000) $(BENCH_ARGS)

# Production-style serving: gunicorn with static files from the app (whitenoise), so the admin and
# /api/docs/ need no web server in front. Configure with the environment (README); the access log
# records paths without query strings, which may carry passport or phone numbers.
WORKERS ?= 2
serve: venv desk
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'

# Property-based API fuzzing (fuzz/run.sh): scratch SQLite database, demo data, gunicorn on 127.0.0.1:8019.
fuzz: venv desk
	bash fuzz/run.sh

# Debian's Chromium and its driver, from apt, only when missing; never a browser download. Amiri
# (0.6 MB) has every letter of Urdu, so the Urdu journey's screenshots show words, not boxes.
URDU_FONT := /usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf
install-chromium:
	@test -x /usr/bin/chromium && test -x /usr/bin/chromedriver && test -f $(URDU_FONT) || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-hosny-amiri; }

# The desk's browser journeys: playwright-core, axe-core and lighthouse pinned by e2e/package-lock.json
# (no browser download: Playwright and Lighthouse drive Debian's /usr/bin/chromium). e2e/run.sh starts
# a scratch server (var/e2e.sqlite3, demo data, collectstatic, gunicorn on E2E_PORT) for them.
E2E_MODULES := e2e/node_modules/.installed
E2E_PORT ?= 8021
$(E2E_MODULES): e2e/package.json e2e/package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Journeys, then Lighthouse on the same server (about 15 s more), then the Selenium checks of the
# admin, the API docs and the CSP; the initial-JS budget from the build manifest first.
e2e: venv desk install-chromium $(E2E_MODULES)
	node e2e/bundle-size.mjs
	E2E_PORT=$(E2E_PORT) bash e2e/run.sh all
	$(PY) -m pytest e2e -p no:cacheprovider

e2e-journeys: venv desk install-chromium $(E2E_MODULES)
	E2E_PORT=$(E2E_PORT) bash e2e/run.sh journeys

lighthouse: venv desk install-chromium $(E2E_MODULES)
	E2E_PORT=$(E2E_PORT) bash e2e/run.sh lighthouse
