#!/usr/bin/env bash
# A deployment by docs/deployment.md, as an operator types it, on this machine (section 11 there).
#
#   scripts/deploy_rehearsal.sh [REPOSITORY]      (default: this checkout; its committed HEAD is cloned)
#
# /srv/leads and /etc/leads/env become a scratch directory; the guide's commands are taken from
# the guide itself where practical (the environment file block, the systemd ExecStart lines, the
# crontab), with the paths and the port replaced. Needs PostgreSQL (DEPLOY_PG), Redis (database 5)
# and RabbitMQ (guest on /) on 127.0.0.1. Each command is printed before it runs (set -x).
#   DEPLOY_PORT       gunicorn's port (18200)
#   DEPLOY_DATABASE   PostgreSQL database, dropped and created anew (leads_deploy)
#   DEPLOY_VENV_FROM  reuse this virtualenv's packages instead of `pip install` (a shortcut for tests;
#                     the rehearsal proper leaves it unset)
#   DEPLOY_KEEP=1     keep the scratch directory and the database afterwards
set -euo pipefail

REPOSITORY=${1:-$(cd "$(dirname "$0")/.." && pwd)}
PORT=${DEPLOY_PORT:-18200}
DATABASE=${DEPLOY_DATABASE:-leads_deploy}
PG=${DEPLOY_PG:-postgres://postgres@127.0.0.1:5432}
PYTHON=${DEPLOY_PYTHON:-$(command -v python3.11 || command -v python3)}
SCRATCH=$(mktemp -d /tmp/leads-deploy.XXXXXX)
SRV=$SCRATCH/srv/leads
ENV_FILE=$SCRATCH/etc/leads/env
HOST=leads.example.com
PIDS=()

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${DEPLOY_KEEP:-0}" != 1 ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ $status = 0 ]; then
    [ "${DEPLOY_KEEP:-0}" = 1 ] && echo "kept: $SCRATCH (database $DATABASE)" || rm -rf "$SCRATCH"
    echo "REHEARSAL PASSED"
  else
    echo "REHEARSAL FAILED (exit $status): logs in $SCRATCH (web.log, worker.log, jobs.log)" >&2
  fi
}
trap cleanup EXIT
set -x

# --- 1. Code and virtualenv -----------------------------------------------------------------
git clone --quiet "$REPOSITORY" "$SRV"
cd "$SRV"
if [ -n "${DEPLOY_VENV_FROM:-}" ]; then
  ln -s "$DEPLOY_VENV_FROM" .venv
else
  "$PYTHON" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
fi
# The branch desk's build (Node 20 from Debian), before collectstatic gathers it.
(cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)

# A new deployment starts with an empty cache: Redis database 5 is this rehearsal's own, so the sign-in
# counts of an earlier rehearsal (several per run) must not carry over into this one's limits.
redis-cli -n 5 flushdb >/dev/null

# --- 2. The environment file: the guide's block, CHANGE-ME and this machine's services filled in -
mkdir -p "$(dirname "$ENV_FILE")" "$SCRATCH/mail"
SECRET=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))")
# Own queue on the shared broker: another worker on `leads` must not take this rehearsal's jobs.
QUEUE=leads_rehearsal_$(basename "$SCRATCH" | tr -dc 'A-Za-z0-9')
# Own operator too: the login limits count per account in the shared Redis (database 5), across runs.
OPERATOR=operator_$(basename "$SCRATCH" | tr -dc 'A-Za-z0-9')
"$PYTHON" - "$SRV/docs/deployment.md" "$ENV_FILE" "$QUEUE" \
  "DJANGO_SECRET_KEY=$SECRET" "DATABASE_URL=$PG/$DATABASE" "REDIS_URL=redis://127.0.0.1:6379/5" \
  "CELERY_BROKER_URL=amqp://guest:guest@127.0.0.1:5672//" \
  "DJANGO_EMAIL_URL=filemail://$SCRATCH/mail" <<'EOF'  # no SMTP server here: the mail lands in files
import re, sys
guide, target, queue, *pairs = sys.argv[1:]
values = dict(pair.split("=", 1) for pair in pairs)
section = re.search(r"^## 2\. The environment file$(.*?)^## ", open(guide).read(), re.M | re.S).group(1)
block = re.search(r"^```sh\n(.*?)^```", section, re.M | re.S).group(1)
lines = []
for line in block.splitlines():
    name = line.split("=", 1)[0]
    lines.append(f"{name}={values.pop(name)}" if name in values else line)
assert not values, f"the guide's env file no longer has {sorted(values)}"
assert not [line for line in lines if "CHANGE-ME" in line], "a CHANGE-ME is left"
open(target, "w").write("\n".join(lines + [f"CELERY_TASK_DEFAULT_QUEUE={queue}", ""]))
EOF
chmod 640 "$ENV_FILE"
cat "$ENV_FILE" | sed 's/^\(DJANGO_SECRET_KEY\)=.*/\1=…/'

# --- 3. Database (PostgreSQL), check, migrate, collectstatic ------------------------------------
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
psql "$PG/postgres" -qc "CREATE DATABASE $DATABASE"
set -a && . "$ENV_FILE" && set +a
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0

# --- 4. gunicorn and the Celery worker: the units' ExecStart lines ------------------------------
exec_start() {  # the ExecStart of the unit whose Description starts with $1, for this scratch install
  "$PYTHON" - "$SRV/docs/deployment.md" "$1" "$SRV" "$PORT" <<'EOF'
import re, sys
guide, description, srv, port = sys.argv[1:5]
for block in re.findall(r"^```ini\n(.*?)^```", open(guide).read(), re.M | re.S):
    if re.search(rf"^Description={re.escape(description)}$", block, re.M):
        line = re.search(r"^ExecStart=((?:.*\\\n)*.*)$", block, re.M).group(1).replace("\\\n", " ")
        print(line.replace("/srv/leads", srv).replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("%%", "%"))
        break
else:
    sys.exit(f"no unit {description!r} in the guide")
EOF
}
WEB=$(exec_start "leads")
WORKER=$(exec_start "leads Celery worker (imports)")
eval "exec $WEB" > "$SCRATCH/web.log" 2>&1 &
PIDS+=($!)
eval "exec $WORKER" > "$SCRATCH/worker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
for _ in $(seq 60); do grep -q "ready\." "$SCRATCH/worker.log" && break; sleep 0.5; done
grep -q "ready\." "$SCRATCH/worker.log" || { cat "$SCRATCH/worker.log"; exit 1; }

# --- 7. The first organization, branch and user (what the admin's forms do) ---------------------
DJANGO_SUPERUSER_PASSWORD=rehearsal-pass-123 .venv/bin/python manage.py createsuperuser --noinput \
  --username "$OPERATOR" --email operator@example.com
BRANCH_ID=$(.venv/bin/python manage.py shell --no-imports -c "
from django.contrib.auth import get_user_model
from organizations.models import Branch, Membership, MembershipRole, Organization
organization = Organization.objects.create(name='Rehearsal Travels')
branch = Branch.objects.create(organization=organization, code='R1', name='Rehearsal Main', city='Lahore', area='Gulberg')
Membership.objects.create(user=get_user_model().objects.get(username='$OPERATOR'), organization=organization,
                          role=MembershipRole.ORG_ADMIN)
print(branch.pk)
")

# --- 8. Every cron command once, as the crontab runs it, into one log ---------------------------
"$PYTHON" - "$SRV/docs/deployment.md" > "$SCRATCH/cron.sh" <<'EOF'
import re, sys
section = re.search(r"^## 8\. Cron$(.*?)^## ", open(sys.argv[1]).read(), re.M | re.S).group(1)
for line in re.search(r"^```crontab\n(.*?)^```", section, re.M | re.S).group(1).splitlines():
    if line.strip() and not line.startswith(("#", "CRON_TZ=")):
        print(line.split(None, 5)[5])  # the command after the five time fields
EOF
sed -i -e "s#/srv/leads#$SRV#g" -e "s#/etc/leads/env#$ENV_FILE#g" \
  -e "s#2>&1 | systemd-cat -t leads-jobs#>> $SCRATCH/jobs.log 2>\&1#" "$SCRATCH/cron.sh"
cat "$SCRATCH/cron.sh"
env -i PATH=/usr/bin:/bin HOME="$SCRATCH" sh -e "$SCRATCH/cron.sh"   # cron's empty environment
cat "$SCRATCH/jobs.log"
test "$(grep -c . "$SCRATCH/jobs.log")" = "$(grep -c . "$SCRATCH/cron.sh")"   # one summary line per job
test "$(sort "$SCRATCH/jobs.log" | uniq -d | wc -l)" = 0   # each line once

# --- Every page, signed in where it needs it, and an import through the worker -------------------
"$PYTHON" - "$PORT" "$HOST" "$SCRATCH/worker.log" "$BRANCH_ID" "$OPERATOR" <<'EOF'
import http.client, json, re, sys, time, uuid
from html.parser import HTMLParser

port, host, worker_log, branch_id, operator = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
cookies = {}


def request(method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Host": host, "X-Forwarded-Proto": "https", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return response.status, dict(response.getheaders()), data


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if url and not url.startswith("data:"):  # an inline asset (the desk's empty favicon) needs no request
            self.urls.append(url)


def page(path, expect=200, marker=None):
    status, headers, body = request("GET", path, headers={"Accept": "text/html"})
    html = body.decode()
    assert status == expect, (path, status, html[:500])
    assert "Traceback" not in html and "URLconf" not in html, path
    if marker:
        assert marker in html, (path, marker)
    if status == 200 and headers.get("Content-Type", "").startswith("text/html"):
        assert "script-src 'self'" in headers.get("Content-Security-Policy", ""), path
        parser = Assets()
        parser.feed(html)
        for url in parser.urls:
            assert not re.match(r"^(https?:)?//", url), (path, url)  # nothing from another host
            asset_status, _, _ = request("GET", url)
            assert asset_status == 200, (path, url, asset_status)
        print(f"{path}: {status}, CSP, {len(parser.urls)} assets 200")
    else:
        print(f"{path}: {status}")
    return html


page("/", expect=302)  # the bare address redirects to the branch desk
page("/desk/", marker='type="module"')
page("/desk/leads/1", marker='type="module"')  # a deep link: the same page (history fallback)
page("/api/docs/", marker='id="swagger-ui"')
page("/api/redoc/", marker="<redoc")
page("/admin/login/", marker='name="username"')
for probe in ("/healthz", "/readyz"):
    status, _, body = request("GET", probe)
    assert status == 200 and json.loads(body)["status"] == "ok", (probe, status, body)
    print(f"{probe}: {status} {body.decode()}")

# Sign in through the admin's form, as a browser does, then the dashboard.
html = page("/admin/login/")
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
form = f"csrfmiddlewaretoken={token}&username={operator}&password=rehearsal-pass-123&next=/desk/dashboard"
status, headers, _ = request("POST", "/admin/login/?next=/desk/dashboard", form, {
    "Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{host}",
    "Referer": f"https://{host}/admin/login/",
})
assert status == 302 and headers["Location"].endswith("/desk/dashboard"), (status, headers)
page("/admin/", marker='href="/desk/dashboard"')  # the admin's index links to the desk's dashboard
# The old dashboard's address redirects to the desk's: follow it.
status, headers, _ = request("GET", "/dashboard/", headers={"Accept": "text/html"})
assert status == 302 and headers["Location"] == "/desk/dashboard", ("/dashboard/", status, headers)
print(f"/dashboard/: {status} to {headers['Location']}")
page(headers["Location"], marker='type="module"')
status, _, body = request("GET", "/api/leads/reports/summary/")  # what the desk's dashboard reads, on the session
assert status == 200 and "Rehearsal Main" in body.decode(), (status, body[:300])

# An import through the broker and the worker.
status, _, body = request("POST", "/api/auth/token/", json.dumps({"username": operator, "password": "rehearsal-pass-123"}),
                          {"Content-Type": "application/json"})
assert status == 200, (status, body)
auth = {"Authorization": f"Token {json.loads(body)['token']}"}
cookies.clear()
csv = "customer_name,contact_number\r\nRehearsal Customer,0300 1234567\r\nSecond Customer,0321 5550123\r\n"
boundary = uuid.uuid4().hex
parts = [(f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n') for n, v in
         (("branch", branch_id), ("mode", "create"))]
parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="register.csv"\r\n'
             f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n")
status, _, body = request("POST", "/api/leads/imports/", "".join(parts).encode(),
                          {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
assert status == 202, (status, body)
import_id = json.loads(body)["id"]
for _ in range(120):
    report = json.loads(request("GET", f"/api/leads/imports/{import_id}/", headers=auth)[2])
    if report["status"] in ("done", "failed"):
        break
    time.sleep(0.5)
assert report["status"] == "done" and report["created"] == 2, report
assert "transfers.run_lead_import" in open(worker_log).read(), "the worker did not run the import"
print(f"import {import_id}: {report['status']}, created {report['created']}, run by the Celery worker")
EOF
