"""The benchmark's steps after Django is set up: dataset, in-process timings, the job, the HTTP run."""

import time
from io import StringIO
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import (
    big_branch, http, stages, steps_assign, steps_intake, steps_loans, steps_messaging, steps_reports, steps_sla,
    steps_transfers, steps_webhooks,
)
from benchmarks.big_branch import BIG_BRANCH_USERNAME
from benchmarks.big_branch import big_branch_leads, seed_big_branch
from benchmarks.database import SEED_VERSION
from benchmarks.measure import BENCH_PASSPORT_PREFIX, BENCH_REMARK, Runner, Workload, _call
from benchmarks.seed import seed
from benchmarks.tokens import bench_token
from booking.models import Booking
from leads.models import FollowUpHistory, Lead, LeadStatus, LoanCommitment, LoanStatus
from organizations.models import Branch, visible_branch_ids

BIG_TABLES = (Lead, FollowUpHistory, LoanCommitment)


def migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


def ensure_dataset(*, leads: int, reseed: bool, marker: dict, write_marker, log) -> dict:
    """Reuse the seeded dataset when it matches (size, day, seeder version); otherwise wipe and seed."""
    today = timezone.localdate()
    if (
        not reseed
        and marker.get("seeded_leads") == leads
        and marker.get("seeded_on") == today.isoformat()
        and marker.get("seed_version") == SEED_VERSION
    ):
        log(f"reusing the dataset of {leads:,} leads seeded today ({today})")
        return {"reused": True, "seeded_on": marker["seeded_on"], "leads": leads}
    write_marker(seeded_leads=None, seeded_on=None)
    if get_user_model().objects.exists() or Lead.objects.exists():
        log("wiping the previous benchmark data")
        call_command("flush", interactive=False, verbosity=0)
    log(f"seeding {leads:,} leads into {connection.vendor} {settings.DATABASES['default']['NAME']}")
    big = big_branch_leads(leads)
    summary = seed(leads=leads - big, today=today, progress=True)
    big_branch = seed_big_branch(leads=big, today=today, log=log)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            maintenance = "VACUUM (ANALYZE)"
            for model in BIG_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
            cursor.execute("ANALYZE")
        else:
            maintenance = "ANALYZE"
            cursor.execute("ANALYZE")
    maintenance_seconds = time.perf_counter() - started
    write_marker(seeded_leads=leads, seeded_on=today.isoformat())
    log(f"seeded in {summary.seconds + big_branch['seconds']:.1f} s; {maintenance} {maintenance_seconds:.1f} s")
    return {
        "reused": False, "seeded_on": today.isoformat(), "leads": summary.leads + big, "big_branch": big_branch,
        "followups": summary.followups,
        "commitments": summary.commitments, "past_due_pending": summary.past_due_pending,
        "due_today": summary.due_today, "seconds": round(summary.seconds, 1),
        "rows_per_second": round((summary.leads + summary.followups + summary.commitments) / summary.seconds),
        "maintenance": maintenance, "maintenance_seconds": round(maintenance_seconds, 1),
    }


def describe_environment() -> dict:
    from benchmarks.report import machine, versions

    found = versions()
    database = {
        "vendor": connection.vendor,
        "name": str(settings.DATABASES["default"]["NAME"]),
        "server_version": found.get("postgresql") or found.get("sqlite"),
        "leads": Lead.objects.count(),
        "followups": FollowUpHistory.objects.count(),
        "commitments": LoanCommitment.objects.count(),
    }
    return {"machine": machine(), "versions": found, "database": database}


def cleanup_bench_writes(*, since=None) -> None:
    """Remove what the benchmark's own write requests added, so every run starts from the seeded data."""
    FollowUpHistory.objects.filter(remarks=BENCH_REMARK).delete()
    prefixes = Q()
    for prefix in BENCH_PASSPORT_PREFIX.values():
        prefixes |= Q(passport_number__startswith=prefix)
    Lead.objects.filter(prefixes).delete()
    Booking.objects.filter(passport_number__startswith=BENCH_PASSPORT_PREFIX["booking"]).delete()
    steps_loans.cleanup_loan_book_writes()
    if since is not None:
        for model in BIG_TABLES:
            model.history.filter(history_date__gte=since).delete()


def measure_all(*, args, report: dict, log) -> int:
    """Every measurement; returns how many failures (unexpected answers, HTTP errors) were seen."""
    failures = 0
    with bench_token() as (user, token), bench_token(BIG_BRANCH_USERNAME) as (_big_user, big_token):
        cleanup_bench_writes()
        since = timezone.now()
        try:
            branch = Branch.objects.get(code="A01", memberships__user=user)
            scope = visible_branch_ids(user)
            workload = Workload(branch_id=branch.id, scope=scope, today=timezone.localdate(), requests=args.requests)
            runner = Runner(token=token, workload=workload, requests=args.requests, log=log)
            if steps_sla.wanted(args.only):
                report["sla"] = steps_sla.measure(log=log)
                if steps_sla.only_these(args.only):
                    report["requests"] = []
                    return failures
            if steps_intake.wanted(args.only):
                report["intake"] = steps_intake.measure(log=log, port=args.http_port, workers=args.http_workers)
                failures += steps_intake.failures(report["intake"])
                if steps_intake.only_these(args.only):
                    report["requests"] = []
                    return failures
            if steps_assign.wanted(args.only):
                report["assign"] = steps_assign.measure(user=user, token=token, log=log)
                if steps_assign.only_these(args.only):
                    report["requests"] = []
                    return failures
            if steps_transfers.wanted(args.only):
                report["transfers"] = steps_transfers.measure(
                    user=user, token=token, big_token=big_token, only=args.only, log=log
                )
                if steps_transfers.only_these(args.only):
                    report["requests"] = []
                    return failures
            if steps_messaging.wanted(args.only):
                report["messaging"] = steps_messaging.measure(only=args.only, log=log)
                if steps_messaging.only_these(args.only):
                    report["requests"] = []
                    return failures
            if steps_webhooks.wanted(args.only):
                report["webhooks"] = steps_webhooks.measure(args=args, token=token, log=log)
                failures += sum(report["webhooks"].get(key, {}).get("errors", 0) for key in ("paced", "flat_out"))
                if steps_webhooks.only_these(args.only):
                    report["requests"] = []
                    return failures
            cases = workload.cases()
            first_write = next(i for i, case in enumerate(cases) if case.method != "get")
            cases[first_write:first_write] = big_branch.cases(token=big_token, today=workload.today)
            if args.only:
                words = [word.strip().lower() for word in args.only.split(",") if word.strip()]
                cases = [case for case in cases if any(word in case.name.lower() for word in words)]
            if args.profile:
                _profile(runner, [case for case in cases if args.profile.lower() in case.name.lower()], log)
                return 0
            log(f"timing {len(cases)} endpoints, {args.requests} requests each, as {user.username} (branch {branch.code})")
            results = [runner.run(case).as_dict() for case in cases]
            results += steps_loans.measure_loan_book(runner=runner, workload=workload, args=args, log=log)
            results += steps_reports.measure(args=args, log=log)
            report["requests"] = results
            failures += sum(row["errors"] for row in results)
            log("stage breakdown (ms per request, in-process, timing hooks on; mean of the fastest 90%):")
            reads = [case for case in cases if case.method == "get"]
            report["stages"] = stages.breakdown(runner, reads, requests=min(args.requests, 100), log=log)
            report["list_queries_by_page_size"] = runner.list_queries_by_page_size()
            report["booking_leads"] = _booking_leads_check()
            if args.explain:
                report["explain"] = _explain(runner, [case for case in cases if case.bare], log)
            if not args.no_job:
                report["mark_overdue_loans"] = time_mark_overdue(log)
            tokens = {id(case): big_token if case.client else token for case in cases}
            report["http"] = _http(args=args, token=token, tokens=tokens, cases=cases, log=log)
            failures += sum(row.get("errors", 0) for row in report["http"])
        finally:
            cleanup_bench_writes(since=since)
    return failures


def _booking_leads_check() -> dict:
    """Every booking the benchmark created must have got its lead (the on_commit hand-off ran)."""
    bookings = Booking.objects.filter(passport_number__startswith=BENCH_PASSPORT_PREFIX["booking"])
    linked = Lead.objects.filter(booking__in=bookings, lead_status=LeadStatus.CONVERTED).count()
    return {"bookings": bookings.count(), "with_converted_lead": linked}


def time_mark_overdue(log) -> dict:
    """`mark_overdue_loans` over every commitment, then again (nothing left to do); the statuses are reset after."""
    today = timezone.localdate()
    commitments = LoanCommitment.objects.count()
    figures = {"commitments": commitments}
    for label in ("", "rerun_"):
        output = StringIO()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call_command("mark_overdue_loans", stdout=output)
            figures[f"{label}seconds"] = round(time.perf_counter() - started, 3)
        figures[f"{label}queries"] = len(captured.captured_queries)
        figures[f"{label}output"] = output.getvalue().strip()
    figures["marked"] = LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).count()
    # Back to the seeded state: the past-due commitments were seeded pending (none were overdue).
    LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).update(status=LoanStatus.PENDING)
    _vacuum([LoanCommitment, LoanCommitment.history.model])  # the next run meets the same table, not its dead rows
    log(
        f"  mark_overdue_loans: marked {figures['marked']:,} of {commitments:,} in {figures['seconds']:.2f} s "
        f"({figures['queries']} queries); rerun {figures['rerun_seconds']:.2f} s ({figures['rerun_queries']} queries)"
    )
    figures["as_of"] = today.isoformat()
    return figures


def _vacuum(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


HTTP_READS = ("search by passport", "detail", "list big branch", "followup/today big branch", "overdue-loans")


def _http(*, args, token: str, tokens: dict, cases, log) -> list[dict]:
    """Each read and its bare twin served by the same gunicorn, one after the other, at each
    connection count: the API's throughput and latency beside the floor's, under the same load."""
    if args.no_http:
        return [{"skipped": "--no-http"}]
    if not http.wrk_available():
        return [{"skipped": "wrk is not installed (the make targets install it)"}]
    reads = [case for case in cases if case.bare and any(case.name.startswith(name) for name in HTTP_READS)]
    connections = [int(part) for part in str(args.http_connections).split(",") if part.strip()]
    log_path = settings.BASE_DIR / "var" / "bench-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    log(
        f"HTTP: gunicorn ({args.http_workers} sync workers) on 127.0.0.1:{args.http_port}, "
        f"wrk {args.http_seconds} s at {connections} connections, API then its twin"
    )
    results = []
    with http.Server(port=args.http_port, workers=args.http_workers, log_path=log_path) as server:
        server.wait_ready(token)
        for case in reads:
            case_token = tokens[id(case)]
            paths = [case.request(i)[0] for i in range(200)]
            bare_paths = [case.bare(i) for i in range(200)]
            for path in (paths[0], bare_paths[0]):
                status = server.check(path, case_token)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status} under gunicorn; see {log_path}")
            for count in connections:
                for kind, chosen in (("api", paths), ("twin", bare_paths)):
                    row = http.run_wrk(
                        name=f"{case.name} [{kind}]", port=args.http_port, token=case_token, paths=chosen,
                        seconds=args.http_seconds, connections=count, log=log,
                    ).as_dict()
                    results.append({**row, "read": case.name, "kind": kind})
    return results


def _explain(runner: Runner, cases, log) -> dict:
    """The plan of every query one API request of each read runs (EXPLAIN ANALYZE on PostgreSQL)."""
    plans = {}
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for case in cases:
        path, _ = case.request(0)
        entries = []
        for sql in runner.queries_of(path, case.client):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                plan = "\n".join(" | ".join(str(part) for part in row) for row in cursor.fetchall())
            entries.append({"sql": sql, "plan": plan})
            log(f"\n--- {case.name}\n{sql}\n{plan}")
        plans[case.name] = entries
    return plans


def _profile(runner: Runner, cases, log) -> None:
    from pyinstrument import Profiler

    for case in cases:
        for i in range(10):
            path, body = case.request(i)
            _call(runner.client, case.method, path, body)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for i in range(10, 10 + runner.requests):
            path, body = case.request(i)
            _call(runner.client, case.method, path, body)
        profiler.stop()
        log(f"\n=== {case.name}: {runner.requests} requests")
        log(profiler.output_text(unicode=True, color=False))
