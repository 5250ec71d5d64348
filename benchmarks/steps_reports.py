"""Benchmark rows for the reports: the summary (biggest branch, whole organization) and /dashboard/.

Registered in `steps.measure_all`; selected like every row with `--only` (e.g. `--only summary,dashboard`).
The in-process rows time the full Django request (token auth for the API, a session for the
page). With Debian's Chromium present and HTTP not disabled, the dashboard is also opened in
headless Chromium against gunicorn on the benchmark database, and its first contentful paint
(navigation start to the first paint, charts drawn from the vendored Chart.js) is reported.
"""

import os
import shutil
import statistics
import tempfile
import time

from django.contrib.auth import get_user_model
from django.db.models import Case as SqlCase
from django.db.models import OuterRef, Subquery, When
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from benchmarks.big_branch import BIG_BRANCH_USERNAME
from benchmarks.measure import Case, Result, Runner
from benchmarks.tokens import bench_token
from benchmarks.vocabulary import LOST_REASONS
from leads.models import FollowUpDueDay, FollowUpHistory, Lead, LeadStatus, LostReason
from leads.services import lost_reasons_seed
from leads.services import report_rollups_refresh
from organizations.models import Organization

ORG_ADMIN = "bench_admin_a"
BRANCH_USER = "bench_a01"  # the biggest of the regular branches (A01)
PAINT_LOADS = 7
# The seeder writes lost reasons as text; the report counts catalogue codes.
CODE_OF_SEEDED_TEXT = dict(zip(LOST_REASONS, ("other_agent", "dates", "price", "no_response")))


def classify_seeded_lost_leads(log) -> None:
    """Give the seeded lost leads the catalogue code their text names (once; idempotent)."""
    for organization in Organization.objects.all():
        lost_reasons_seed(organization=organization)
        ids = dict(LostReason.objects.filter(organization=organization).values_list("code", "id"))
        pending = Lead.objects.filter(
            organization=organization, lead_status=LeadStatus.LOST, lost_reason_category__isnull=True
        )
        updated = pending.update(
            lost_reason_category_id=SqlCase(
                *[When(lost_reason=text, then=ids[code]) for text, code in CODE_OF_SEEDED_TEXT.items()],
                default=ids["other"],
            )
        )
        if updated:
            log(f"  classified {updated:,} seeded lost leads of {organization.name} by their reason text")


def backfill_first_contact(log) -> None:
    """The seeder writes no first contact: fill it as migration 0007 does for existing leads (once)."""
    first = FollowUpHistory.objects.filter(lead_id=OuterRef("pk")).order_by("followup_at").values("followup_at")[:1]
    started = time.perf_counter()
    updated = Lead.objects.filter(last_contacted_at__isnull=False, first_contacted_at__isnull=True).update(
        first_contacted_at=Subquery(first)
    )
    if updated:
        log(f"  first contact of {updated:,} seeded leads filled in {time.perf_counter() - started:.1f} s")


def refresh_rollups(log) -> None:
    """What the cron entries do (`refresh_report_rollups` nightly, `--recent` every 10 minutes), timed; then
    VACUUM so index-only scans see a current visibility map, as autovacuum keeps it in production."""
    for recent in (False, True):
        started = time.perf_counter()
        rows = report_rollups_refresh(today=timezone.localdate(), recent=recent)
        label = "refresh_report_rollups --recent" if recent else "refresh_report_rollups (nightly)"
        log(f"  {label}: {rows:,} branch-day rows in {time.perf_counter() - started:.2f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Lead, FollowUpHistory, FollowUpDueDay):
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def _wanted(name: str, only: str | None) -> bool:
    if not only:
        return True
    return any(word.strip().lower() in name.lower() for word in only.split(",") if word.strip())


def measure(*, args, log) -> list[dict]:
    """The report rows (as `Result.as_dict()`), plus the dashboard's first paint when Chromium is there."""
    summary = "/api/leads/reports/summary/"
    rows = []
    branches = Organization.objects.get(memberships__user__username=ORG_ADMIN).branches.count()
    cases = [
        # A00: the big-branch scenario's 400,000 leads (benchmarks/big_branch.py); A01: the biggest regular one.
        (BIG_BRANCH_USERNAME, Case("summary (biggest branch A00, 30 days)", "get", lambda i: (summary, None), 200, target_p50_ms=100)),
        (BRANCH_USER, Case("summary (branch A01, 30 days)", "get", lambda i: (summary, None), 200, target_p50_ms=100)),
        (ORG_ADMIN, Case(f"summary (organization, {branches} branches, 30 days)", "get", lambda i: (summary, None), 200, target_p50_ms=300)),
        (BIG_BRANCH_USERNAME, Case("dashboard page (biggest branch A00)", "get", lambda i: ("/dashboard/", None), 200, target_p50_ms=500)),
        (ORG_ADMIN, Case(f"dashboard page (organization, {branches} branches)", "get", lambda i: ("/dashboard/", None), 200, target_p50_ms=500)),
    ]
    cases = [(user, case) for user, case in cases if _wanted(case.name, args.only)]
    if not cases:
        return rows
    classify_seeded_lost_leads(log)
    backfill_first_contact(log)
    refresh_rollups(log)
    if any(case.name.startswith("dashboard") for _, case in cases):
        call_command("collectstatic", interactive=False, verbosity=0)  # debug off: the manifest storage

    for username, case in cases:
        with bench_token(username) as (_user, token):
            runner = Runner(token=token, workload=None, requests=args.requests, log=log)
            if case.name.startswith("dashboard"):
                runner.client = Client()
                runner.client.force_login(get_user_model().objects.get(username=username))
            rows.append(runner.run(case).as_dict())
    if any(case.name.startswith("dashboard") for _, case in cases) and not args.no_http:
        rows.extend(_first_paint(args=args, log=log))
    return rows


def _first_paint(*, args, log) -> list[dict]:
    chromium, driver_path = "/usr/bin/chromium", "/usr/bin/chromedriver"
    if not (os.path.exists(chromium) and os.path.exists(driver_path)):
        log("  dashboard first paint: skipped (no Debian chromium; `make install-chromium`)")
        return []
    from django.conf import settings

    from benchmarks import http
    from benchmarks.seed import BENCH_PASSWORD
    from e2e.test_browser import chromium_driver

    log_path = settings.BASE_DIR / "var" / "bench-gunicorn-paint.log"
    log_path.parent.mkdir(exist_ok=True)
    results = []
    profile = tempfile.mkdtemp(prefix="bench-paint-")
    try:
        with bench_token(ORG_ADMIN) as (_user, token), http.Server(
            port=args.http_port, workers=1, log_path=log_path
        ) as server:
            server.wait_ready(token)
            base = f"http://{http.HOST}:{args.http_port}"
            driver = chromium_driver(profile)
            try:
                for username, label in ((BIG_BRANCH_USERNAME, "biggest branch A00"), (ORG_ADMIN, "organization")):
                    driver.delete_all_cookies()
                    driver.get(f"{base}/admin/login/?next=/admin/")
                    driver.find_element("name", "username").send_keys(username)
                    driver.find_element("name", "password").send_keys(BENCH_PASSWORD)
                    driver.find_element("css selector", "input[type=submit]").click()
                    paints, responses = [], []
                    for load in range(PAINT_LOADS + 1):
                        driver.get(f"{base}/dashboard/")
                        figures = _wait_for_paint(driver)
                        if load:  # the first load warms the worker and the browser's cache of the static files
                            paints.append(figures["paint"])
                            responses.append(figures["response"])
                    row = Result(
                        name=f"dashboard first paint in Chromium ({label})", n=len(paints),
                        p50_ms=statistics.median(paints), p95_ms=max(paints), mean_ms=statistics.mean(paints),
                        queries=[], target_p50_ms=500,
                    ).as_dict()
                    row["server_response_p50_ms"] = statistics.median(responses)
                    log(f"  {row['name']:<32} p50 {row['p50_ms']:7.2f} ms  (HTML answered at {row['server_response_p50_ms']:.1f} ms)")
                    results.append(row)
            finally:
                driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return results


def _wait_for_paint(driver, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    script = """
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      const drawn = document.getElementById('dashboard')?.dataset.chartsDrawn === 'true';
      return paint && nav && drawn ? {paint: paint.startTime, response: nav.responseEnd} : null;
    """
    while time.monotonic() < deadline:
        figures = driver.execute_script(script)
        if figures:
            return figures
        time.sleep(0.05)
    raise RuntimeError("the dashboard did not paint within 30 s")
