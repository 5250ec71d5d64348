"""Intake at load (`--only intake`): web-form enquiries over gunicorn, and Meta's webhook latency.

* intake: `POST /api/leads/intake/` with an intake key, from 8 connections for 30 s (wrk with a Lua script
  writing each request's JSON body), cycling through a pool of customers so that each comes back several
  times, from both wrk threads at once (identical posts race). The request stores an `IntakeSubmission` and
  answers; the lead is made after it. Twice:
  - with a broker (as production runs it): RabbitMQ (`BENCH_CELERY_BROKER_URL`, a queue of the run's own) and
    one Celery worker process (`--concurrency 2`) running during the load. Figures: accepted requests/s,
    p50/p99, errors; then how long the queue takes to drain after the load ends (every submission processed),
    and duplicate leads among the run's customers once drained (must be 0: a returning customer is a follow-up);
  - with a broker and no worker during the load (the request path alone), the worker started after it and the
    drain timed from its start;
  - without a broker: each submission is processed in-process right after the request's commit (the slow case).
* webhook: 300 signed Meta `leadgen` webhooks, one at a time over one keep-alive connection, each with a
  new leadgen id; p50/p99 of the answer. Without a broker (as run here) the fetch from the Graph API (a
  local fake, `intake/tests/fake_graph.py`) and the intake run inside the request after its commit, so
  this is the slow case; then again with a Celery broker (RabbitMQ, `BENCH_CELERY_BROKER_URL`, a queue of
  its own, no worker), where the answer only records the id and queues the fetch, as in production.

Everything the run wrote is deleted afterwards (its source, page, Meta leads, leads and follow-ups).
"""

import hashlib
import hmac
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

from django.db.models import Count

from benchmarks.http import BASE_DIR, HOST, Server, parse_wrk, wrk_available
from benchmarks.tokens import BENCH_USERNAME, bench_token
from intake.models import IntakeSource, IntakeSubmission, IntakeSubmissionStatus, MetaLead, MetaPage
from intake.services import intake_source_create, meta_page_connect
from intake.tests.fake_graph import TOKEN, FakeGraph
from leads.models import FollowUpHistory, Lead
from organizations.models import Branch

WORDS = ("intake",)
SECONDS, CONNECTIONS, POOL = 30, 8, 1500
DRAIN_TIMEOUT = 900  # seconds the broker run waits for the queue to drain
WORKER_CONCURRENCY = 2
WEBHOOKS = 300
TARGET_RPS, TARGET_WEBHOOK_P50_MS = 200, 50
SOURCE_NAME = "Bench intake"
APP_SECRET = "bench-app-secret"
PAGE_ID = "990001"
BROKER_URL = os.environ.get("BENCH_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def wanted(only: str | None) -> bool:
    words = [word.strip().lower() for word in (only or "").split(",") if word.strip()]
    return any(word in WORDS for word in words)  # never part of a full run: it writes thousands of leads


def only_these(only: str | None) -> bool:
    words = [word.strip().lower() for word in (only or "").split(",") if word.strip()]
    return bool(words) and all(word in WORDS for word in words)


def _lua(key: str, campaign: str, base: int) -> str:
    return f"""
local counter = 0
local offset = 0
setup = function(thread) end
init = function(args) offset = math.random(0, {POOL - 1}) end
request = function()
  counter = counter + 1
  local n = (offset + counter) % {POOL}
  local body = string.format('{{"customer_name": "Bench Customer %d", "contact_number": "+92345%07d", "utm_source": "bench", "utm_campaign": "{campaign}"}}', n, {base} + n)
  return wrk.format("POST", "/api/leads/intake/", {{["Content-Type"] = "application/json", ["X-Intake-Key"] = "{key}"}}, body)
end
"""


def _wrk(script: str, port: int, log) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", "--threads", "2", "--connections", str(CONNECTIONS), "--duration", f"{SECONDS}s",
                   "--latency", "--timeout", "10s", "--script", handle.name, f"http://{HOST}:{port}"]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 60, check=False)
    finally:
        os.unlink(handle.name)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip()}")
    figures = parse_wrk(completed.stdout)
    log(f"  intake: {figures['requests_per_second']:.1f} req/s, p50 {figures['latency_p50_ms']} ms, "
        f"p99 {figures['latency_p99_ms']} ms, non-2xx {figures['non_2xx']}, socket errors {figures['socket_errors']}")
    return figures


def _webhooks(port: int, graph: FakeGraph, base: int, log) -> dict:
    latencies = []
    errors = 0
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for number in range(WEBHOOKS):
        leadgen_id = f"{base}{number:05d}"
        graph.add_lead(leadgen_id, page_id=PAGE_ID, form_id="880001", phone=f"+92346{base % 10_000_000 + number % 200:07d}")
        body = json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "time": 1, "changes": [
            {"field": "leadgen", "value": {"leadgen_id": leadgen_id, "page_id": PAGE_ID, "form_id": "880001"}}]}]}).encode()
        signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        started = time.perf_counter()
        connection.request("POST", "/api/leads/intake/meta/", body=body,
                           headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        errors += response.status != 200
    connection.close()
    latencies.sort()
    figures = {"webhooks": WEBHOOKS, "p50_ms": round(statistics.median(latencies), 1),
               "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1), "errors": errors,
               "meta_leads_done": MetaLead.objects.filter(leadgen_id__startswith=str(base), status="done").count()}
    log(f"  meta webhook: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, errors {errors}, "
        f"{figures['meta_leads_done']} fetched and taken in")
    return figures


def _drop_queue(queue: str) -> None:
    from kombu import Connection

    try:
        with Connection(BROKER_URL, connect_timeout=5) as connection:
            connection.default_channel.queue_delete(queue)
    except Exception:  # noqa: BLE001 - a queue left behind is harmless (nothing consumes it)
        pass


def _cleanup(campaign: str) -> None:
    MetaLead.objects.filter(page_id=PAGE_ID).delete()
    MetaPage.objects.filter(page_id=PAGE_ID).delete()
    sources = IntakeSource.objects.filter(name=SOURCE_NAME)
    IntakeSubmission.objects.filter(source__in=sources).delete()
    FollowUpHistory.objects.filter(remarks__startswith=f"Enquired again through {SOURCE_NAME}").delete()
    leads = Lead.objects.filter(attribution__intake_source__in=list(sources.values_list("pk", flat=True)))
    Lead.history.filter(id__in=list(leads.values_list("pk", flat=True))).delete()
    leads.delete()
    sources.delete()


class Worker:
    """A Celery worker in a subprocess (its own process group) on the run's queue, stopped by its pid."""

    def __init__(self, *, queue: str, log_path: str):
        self.queue, self.log_path, self.process = queue, log_path, None

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queue, "--concurrency",
             str(WORKER_CONCURRENCY), "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: the running tasks finish
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _run_figures(source, campaign: str, log) -> dict:
    run_leads = Lead.objects.filter(utm_campaign=campaign)
    duplicates = run_leads.values("contact_number").annotate(n=Count("id")).filter(n__gt=1).count()
    statuses = dict(IntakeSubmission.objects.filter(source=source, utm_campaign=campaign)
                    .values_list("status").annotate(n=Count("id")))
    figures = {
        "submissions": sum(statuses.values()),
        "failed": statuses.get(IntakeSubmissionStatus.FAILED, 0),
        "pending": statuses.get(IntakeSubmissionStatus.PENDING, 0),
        "leads_created": run_leads.count(),
        "followups": IntakeSubmission.objects.filter(source=source, utm_campaign=campaign, created_lead=False).count(),
        "duplicate_customers": duplicates,
    }
    log(f"  {figures['submissions']} submissions: {figures['leads_created']} leads for {POOL} customers, "
        f"{figures['followups']} follow-ups, failed {figures['failed']}, pending {figures['pending']}, "
        f"duplicate customers: {duplicates}")
    return figures


def _drain(source, campaign: str, log) -> float | None:
    """Seconds until no submission of the run is pending (None: not within DRAIN_TIMEOUT)."""
    started = time.monotonic()
    pending = IntakeSubmission.objects.filter(source=source, utm_campaign=campaign, status=IntakeSubmissionStatus.PENDING)
    while time.monotonic() - started < DRAIN_TIMEOUT:
        if not pending.exists():
            return round(time.monotonic() - started, 1)
        time.sleep(0.5)
    log(f"  the queue did not drain within {DRAIN_TIMEOUT} s")
    return None


def measure(*, log, port: int = 8020, workers: int = 2) -> dict:
    if not wrk_available():
        log("intake: wrk is not installed (apt-get install wrk); skipped")
        return {}
    branch = Branch.objects.get(code="A01", memberships__user__username=BENCH_USERNAME)
    _cleanup("")
    stamp = int(time.time())
    base = random.randrange(1_000_000, 8_000_000)
    created = intake_source_create(actor=None, branch=branch, name=SOURCE_NAME)
    os.environ.update({"DJANGO_THROTTLE_INTAKE": "1000000/second", "META_APP_SECRET": APP_SECRET})
    result = {"branch": branch.code, "pool": POOL, "seconds": SECONDS, "connections": CONNECTIONS,
              "worker_concurrency": WORKER_CONCURRENCY}
    queue = f"bench_intake_{stamp}"
    try:
        with FakeGraph(token=TOKEN) as graph, bench_token() as (_user, token):
            os.environ["META_GRAPH_URL"] = graph.url
            meta_page_connect(actor=None, source=created.source, page_id=PAGE_ID, access_token=TOKEN, name="Bench page")
            # 1. With a broker and a worker, as production runs it.
            os.environ.update({"CELERY_BROKER_URL": BROKER_URL, "CELERY_TASK_DEFAULT_QUEUE": queue})
            campaign = f"bench-broker-{stamp}"
            try:
                with Worker(queue=queue, log_path=tempfile.mktemp(suffix="-intake-celery.log")), \
                        Server(port=port, workers=workers, log_path=tempfile.mktemp(suffix="-intake-gunicorn.log")) as server:
                    server.wait_ready(token)
                    log(f"intake with a broker: {CONNECTIONS} connections for {SECONDS} s over gunicorn ({workers} "
                        f"workers), one Celery worker (concurrency {WORKER_CONCURRENCY}), {POOL} customers cycling")
                    result["intake"] = _wrk(_lua(created.key, campaign, base), port, log)
                    result["intake"]["drain_seconds"] = _drain(created.source, campaign, log)
                    log(f"  queue drained {result['intake']['drain_seconds']} s after the load ended")
                    result["intake"].update(_run_figures(created.source, campaign, log))
                # The request path alone: the same load with the broker and no worker running (the tasks wait in
                # the queue), then the worker started and the queue's drain timed from its start.
                campaign = f"bench-queued-{stamp}"
                with Server(port=port, workers=workers, log_path=tempfile.mktemp(suffix="-intake-gunicorn.log")) as server:
                    server.wait_ready(token)
                    log("intake with a broker, the worker started after the load:")
                    result["intake_queued"] = _wrk(_lua(created.key, campaign, base + 2 * POOL), port, log)
                    with Worker(queue=queue, log_path=tempfile.mktemp(suffix="-intake-celery.log")):
                        result["intake_queued"]["drain_seconds"] = _drain(created.source, campaign, log)
                    log(f"  the worker drained the queue in {result['intake_queued']['drain_seconds']} s")
                    result["intake_queued"].update(_run_figures(created.source, campaign, log))
                # The webhook with a broker and no worker: the answer only records the id and queues the fetch
                # (the queued fetches are dropped with the run's queue).
                with Server(port=port, workers=workers, log_path=tempfile.mktemp(suffix="-intake-gunicorn.log")) as server:
                    server.wait_ready(token)
                    result["webhook_broker"] = _webhooks(port, graph, base + 1, log)
            finally:
                os.environ.pop("CELERY_BROKER_URL", None)
                os.environ.pop("CELERY_TASK_DEFAULT_QUEUE", None)
                _drop_queue(queue)
            # 2. Without a broker: each submission processed in-process after the request's commit.
            campaign = f"bench-eager-{stamp}"
            with Server(port=port, workers=workers, log_path=tempfile.mktemp(suffix="-intake-gunicorn.log")) as server:
                server.wait_ready(token)
                log(f"intake without a broker (processed in-process): {CONNECTIONS} connections for {SECONDS} s")
                result["intake_eager"] = _wrk(_lua(created.key, campaign, base + POOL), port, log)
                _drain(created.source, campaign, log)  # the requests still in flight when wrk stopped
                result["intake_eager"].update(_run_figures(created.source, campaign, log))
                result["webhook"] = _webhooks(port, graph, base, log)
    finally:
        for name in ("DJANGO_THROTTLE_INTAKE", "META_APP_SECRET", "META_GRAPH_URL"):
            os.environ.pop(name, None)
        _cleanup("")
    return result


def failures(result: dict) -> int:
    webhook = result.get("webhook") or {}
    count = webhook.get("errors", 0) + (result.get("webhook_broker") or {}).get("errors", 0)
    for name in ("intake", "intake_queued", "intake_eager"):
        intake = result.get(name) or {}
        count += (intake.get("non_2xx", 0) + intake.get("socket_errors", 0) + intake.get("duplicate_customers", 0)
                  + intake.get("failed", 0) + intake.get("pending", 0))
    return count


def _intake_line(label: str, result: dict, intake: dict, *, target: bool) -> str:
    errors = intake["non_2xx"] + intake["socket_errors"]
    line = (
        f"POST intake/ {label}, {result['connections']} connections for {result['seconds']} s: "
        f"{intake['requests_per_second']:.1f} accepted req/s ({intake['requests']} requests), p50 "
        f"{intake['latency_p50_ms']} ms, p99 {intake['latency_p99_ms']} ms, errors {errors}"
    )
    if "drain_seconds" in intake:
        line += f"; queue drained in {intake['drain_seconds']} s"
    line += (f"; {intake['leads_created']} leads for {result['pool']} customers, {intake['followups']} follow-ups, "
             f"failed {intake['failed']}, duplicate customers {intake['duplicate_customers']}")
    if target:
        met = (intake["requests_per_second"] >= TARGET_RPS and errors == 0 and intake["duplicate_customers"] == 0
               and not intake["failed"] and not intake["pending"])
        line += f"; target ≥ {TARGET_RPS} req/s, 0 errors, 0 duplicates: {'met' if met else 'MISSED'}"
    return line


def table_lines(result: dict | None) -> list[str]:
    if not result or "intake" not in result:
        return []
    webhook = result.get("webhook", {})
    lines = ["", "intake (shared 2-CPU machine: other sessions were running):",
             _intake_line(f"with a broker (gunicorn 2 workers + one Celery worker, concurrency "
                          f"{result.get('worker_concurrency', WORKER_CONCURRENCY)})", result, result["intake"], target=True)]
    if result.get("intake_queued"):
        lines.append(_intake_line("with a broker, no worker during the load (the request path alone; the worker "
                                  "started after it)", result, result["intake_queued"], target=False))
    if result.get("intake_eager"):
        lines.append(_intake_line("without a broker (processed in-process)", result, result["intake_eager"], target=False))
    if webhook:
        lines.append(
            f"Meta webhook, {webhook['webhooks']} one at a time, fetch in-process (no broker): p50 {webhook['p50_ms']} ms, "
            f"p99 {webhook['p99_ms']} ms, errors {webhook['errors']}; target p50 ≤ {TARGET_WEBHOOK_P50_MS} ms: "
            f"{'met' if webhook['p50_ms'] <= TARGET_WEBHOOK_P50_MS and not webhook['errors'] else 'MISSED'}"
        )
    broker = result.get("webhook_broker")
    if broker:
        lines.append(
            f"Meta webhook, {broker['webhooks']} one at a time, with a broker (the fetch queued): p50 {broker['p50_ms']} ms, "
            f"p99 {broker['p99_ms']} ms, errors {broker['errors']}; target p50 ≤ {TARGET_WEBHOOK_P50_MS} ms: "
            f"{'met' if broker['p50_ms'] <= TARGET_WEBHOOK_P50_MS and not broker['errors'] else 'MISSED'}"
        )
    return lines
