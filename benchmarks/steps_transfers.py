"""Imports and exports at scale (`--only import,export`), and what the duplicate hint costs a create.

* export: `GET /api/leads/export/?format=csv` of the big branch A00 filtered to its closed leads
  (about 100,000 rows at 1M leads, the issue's "biggest branch") and of the whole branch; time to the
  first byte, whole file, rows, and the growth of this process's peak RSS (flat = bounded memory).
* import: a 100,000-row CSV in `upsert` mode into branch A01 (10% rows matching existing leads of the
  branch with a changed remark, 2% invalid contact numbers, the rest new), worked by ONE Celery worker
  (a `celery worker -P solo` subprocess on RabbitMQ, its own queue); wall time from upload to `done`
  and the worker's peak RSS (VmHWM). The same file again must create 0. Without a broker the import
  runs in this process instead (said in the figures).
* create with hint: queries of `POST create/` and how many of them the hint adds.

Everything the import wrote is taken back afterwards (leads deleted, remarks restored, the
import's history rows removed), so each run starts from the seeded data.
"""

import os
import resource
import subprocess
import sys
import time
import uuid

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.big_branch import BIG_BRANCH_CODE, BIG_BRANCH_USERNAME
from leads.models import Lead
from organizations.models import Branch

WORDS = ("import", "export")
BROKER_URL = os.environ.get("BENCH_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
IMPORT_ROWS = 100_000
MATCHING_SHARE, INVALID_SHARE = 0.10, 0.02
NEW_PASSPORT_PREFIX = "ZI"  # no seeded passport starts with ZI
IMPORT_REMARK = "Register note (benchmark import)"
IMPORT_TARGET_S, EXPORT_FIRST_BYTE_TARGET_S, EXPORT_WHOLE_TARGET_S = 60, 1, 20


def wanted(only: str | None) -> bool:
    if not only:
        return True
    words = [word.strip().lower() for word in only.split(",") if word.strip()]
    return any(word in WORDS for word in words)


def only_these(only: str | None) -> bool:
    """True when `--only` names nothing but imports and exports (the other steps are skipped)."""
    words = [word.strip().lower() for word in (only or "").split(",") if word.strip()]
    return bool(words) and all(word in WORDS for word in words)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export(client: Client, query: str) -> dict:
    before = _peak_rss_mib()
    started = time.perf_counter()
    response = client.get(f"/api/leads/export/?{query}")
    assert response.status_code == 200, response.status_code
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_byte = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    whole = time.perf_counter() - started
    response.close()
    return {
        "query": query,
        "rows": lines - 1 if "format=csv" in query else None,
        "bytes": size,
        "first_byte_s": round(first_byte, 3),
        "whole_s": round(whole, 2),
        "peak_rss_growth_mib": round(_peak_rss_mib() - before, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
    }


def _register(branch: Branch) -> tuple[bytes, list[tuple[int, str]]]:
    matching = int(IMPORT_ROWS * MATCHING_SHARE)
    invalid = int(IMPORT_ROWS * INVALID_SHARE)
    existing = list(
        Lead.objects.unscoped().filter(branch=branch).exclude(passport_number="")
        .order_by("id").values_list("id", "customer_name", "passport_number", "remarks")[:matching]
    )
    lines = ["customer_name,contact_number,passport_number,cnic,area,remarks"]
    for _id, name, passport, _remarks in existing:
        lines.append(f"{name},,{passport},,,{IMPORT_REMARK}")
    for n in range(IMPORT_ROWS - len(existing)):
        contact = "12345" if n % (IMPORT_ROWS // invalid) == 0 else f"0334{n:07d}"
        lines.append(f"Imported Customer {n},{contact},{NEW_PASSPORT_PREFIX}{n:07d},42101-{n:07d}-3,Gulberg,")
    return ("\n".join(lines) + "\n").encode(), [(lead_id, remarks) for lead_id, _n, _p, remarks in existing]


def _worker(queue: str):
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-c", "1", "-Q", queue,
        "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    return subprocess.Popen(command, env={**os.environ, "CELERY_BROKER_URL": BROKER_URL})


def _vm_hwm_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (from /proc), the figure a busy shared machine distorts least."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def _broker_reachable() -> bool:
    from kombu import Connection

    try:
        with Connection(BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any transport error means "no broker"
        return False


def _run_import(*, user, branch, content: bytes, queue: str | None, worker) -> dict:
    from transfers.models import LeadImport
    from transfers.services import lead_import_run, lead_import_start

    before = _peak_rss_mib()
    cpu_before = _cpu_seconds(worker.pid if worker is not None else os.getpid())
    started = time.perf_counter()
    lead_import = lead_import_start(
        actor=user, branch=branch, mode="upsert", dry_run=False, file_name="bench.csv", content=content
    )
    if queue is None:
        lead_import_run(import_id=lead_import.pk)
    while True:
        lead_import = LeadImport.objects.defer("content").get(pk=lead_import.pk)
        if lead_import.status in ("done", "failed"):
            break
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    memory = _vm_hwm_mib(worker.pid) if worker is not None else _peak_rss_mib() - before
    cpu_after = _cpu_seconds(worker.pid if worker is not None else os.getpid())
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return {
        "import_id": lead_import.pk,
        "status": lead_import.status,
        "seconds": round(seconds, 1),
        "total": lead_import.total,
        "created": lead_import.created,
        "updated": lead_import.updated,
        "skipped": lead_import.skipped,
        "failed": lead_import.failed,
        "peak_rss_mib": round(memory, 1) if memory is not None else None,
        "rows_per_s": round(lead_import.total / seconds) if seconds else None,
        "worker_cpu_s": round(cpu, 1) if cpu is not None else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _clean_import(import_ids: list[int], restore: list[tuple[int, str]]) -> None:
    """Take back what the benchmark's imports wrote: new leads, changed remarks, history, the imports."""
    from transfers.models import LeadImport

    history = Lead.history.model
    reasons = [f"Import #{pk}" for pk in import_ids]
    with transaction.atomic():
        LeadImport.objects.filter(pk__in=import_ids).delete()
        new = Lead.objects.unscoped().filter(passport_number__startswith=NEW_PASSPORT_PREFIX)
        history.objects.filter(history_change_reason__in=reasons)._raw_delete(history.objects.db)
        new._raw_delete(new.db)
        leads = list(Lead.objects.unscoped().filter(pk__in=[pk for pk, _r in restore]).only("id", "remarks"))
        remarks = dict(restore)
        for lead in leads:
            lead.remarks = remarks[lead.pk]
        Lead.objects.bulk_update(leads, ["remarks"], batch_size=2000)


def _create_hint_queries(client: Client, branch: Branch) -> dict:
    existing = Lead.objects.unscoped().filter(branch=branch).values_list("contact_number", flat=True).first()
    body = {"customer_name": "Hint Probe", "contact_number": existing, "branch": branch.pk}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/leads/create/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    hint = [q for q in queries.captured_queries if '"contact_number" IN' in q["sql"]]
    Lead.objects.unscoped().filter(pk=response.json()["id"]).delete()
    return {
        "queries": len(queries.captured_queries),
        "hint_queries": len(hint),
        "possible_duplicates": len(response.json()["possible_duplicates"]),
    }


def measure(*, user, token: str, big_token: str, only: str | None, log) -> dict:
    """The import/export figures (only the parts `--only` names)."""
    from config.celery import app

    words = [word.strip().lower() for word in (only or "import,export").split(",")]
    result = {}
    big = Branch.objects.get(code=BIG_BRANCH_CODE)
    branch = Branch.objects.get(code="A01", memberships__user=user)
    if "export" in words:
        big_client = Client(HTTP_AUTHORIZATION=f"Token {big_token}")
        log(f"export: branch {BIG_BRANCH_CODE} closed leads, then the whole branch (as {BIG_BRANCH_USERNAME})")
        result["export"] = [
            _export(big_client, f"format=csv&branch_id={big.pk}&is_open=false"),
            _export(big_client, f"format=csv&branch_id={big.pk}"),
            _export(big_client, f"format=xlsx&branch_id={big.pk}&is_open=false"),
        ]
    if "import" in words:
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        result["create_hint"] = _create_hint_queries(client, branch)
        content, restore = _register(branch)
        queue = None
        worker = None
        saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
        if _broker_reachable():
            queue = f"bench-import-{uuid.uuid4().hex[:10]}"
            app.conf.update(broker_url=BROKER_URL, task_always_eager=False, task_default_queue=queue)
            worker = _worker(queue)
        result["import_worker"] = "celery worker -P solo (subprocess, RabbitMQ)" if worker else "in-process (no broker)"
        runs = []
        try:
            log(f"import: {IMPORT_ROWS:,} rows, upsert, into A01 ({result['import_worker']})")
            result["import"] = _run_import(user=user, branch=branch, content=content, queue=queue, worker=worker)
            runs.append(result["import"]["import_id"])
            log(f"import again: the same file ({result['import']['seconds']} s the first time)")
            result["reimport"] = _run_import(user=user, branch=branch, content=content, queue=queue, worker=worker)
            runs.append(result["reimport"]["import_id"])
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=60)
            app.conf.update(saved)
            _clean_import(runs, restore)
    return result


def table_lines(result: dict | None) -> list[str]:
    if not result:
        return []
    lines = ["", "imports and exports (shared 2-CPU machine: other sessions were running):"]
    for row in result.get("export", []):
        verdict = ""
        if "is_open=false" in row["query"] and "csv" in row["query"]:
            met = row["first_byte_s"] <= EXPORT_FIRST_BYTE_TARGET_S and row["whole_s"] <= EXPORT_WHOLE_TARGET_S
            verdict = f"  targets first byte ≤ {EXPORT_FIRST_BYTE_TARGET_S} s, whole ≤ {EXPORT_WHOLE_TARGET_S} s: {'met' if met else 'MISSED'}"
        lines.append(
            f"export {row['query']}: {row['rows'] if row['rows'] is not None else 'same'} rows, {row['bytes'] / 1e6:.1f} MB, first byte {row['first_byte_s']} s, "
            f"whole {row['whole_s']} s, peak RSS +{row['peak_rss_growth_mib']} MiB (now {row['peak_rss_mib']} MiB){verdict}"
        )
    hint = result.get("create_hint")
    if hint:
        lines.append(
            f"create with duplicate hint: {hint['queries']} queries, of which {hint['hint_queries']} for the hint "
            f"({hint['possible_duplicates']} possible duplicates found)"
        )
    for label in ("import", "reimport"):
        run = result.get(label)
        if run:
            verdict = ""
            if label == "import":
                verdict = f"; target ≤ {IMPORT_TARGET_S} s: {'met' if run['seconds'] <= IMPORT_TARGET_S and run['status'] == 'done' else 'MISSED'}"
            else:
                verdict = f"; creates 0: {'met' if run['created'] == 0 else 'MISSED'}"
            lines.append(
                f"{label} {run['total']:,} rows upsert ({result['import_worker']}): {run['status']} in {run['seconds']} s "
                f"({run['rows_per_s']} rows/s), created {run['created']:,}, updated {run['updated']:,}, skipped "
                f"{run['skipped']:,}, failed {run['failed']:,}, worker CPU {run['worker_cpu_s']} s, load average "
                f"{run['load_average']}, worker peak RSS {run['peak_rss_mib']} MiB{verdict}"
            )
    return lines
