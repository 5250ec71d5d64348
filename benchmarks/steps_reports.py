"""Benchmark rows for the reports: the summary (biggest branch, a regular branch, whole organization).

Registered in `steps.measure_all`; selected like every row with `--only` (e.g. `--only summary`).
The rows time the full Django request in-process, with token auth. The desk's dashboard draws these
numbers (and the aging report's, timed with the loan book in steps_loans.py) in the browser.
"""

import time

from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import OuterRef, Subquery, When
from django.utils import timezone

from benchmarks.big_branch import BIG_BRANCH_USERNAME
from benchmarks.measure import Case, Runner
from benchmarks.tokens import bench_token
from benchmarks.vocabulary import LOST_REASONS
from leads.models import FollowUpDueDay, FollowUpHistory, Lead, LeadStatus, LostReason
from leads.services import lost_reasons_seed, report_rollups_refresh
from organizations.models import Organization

ORG_ADMIN = "bench_admin_a"
BRANCH_USER = "bench_a01"  # the biggest of the regular branches (A01)
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
    """The report rows (as `Result.as_dict()`)."""
    summary = "/api/leads/reports/summary/"
    rows = []
    branches = Organization.objects.get(memberships__user__username=ORG_ADMIN).branches.count()
    cases = [
        # A00: the big-branch scenario's 400,000 leads (benchmarks/big_branch.py); A01: the biggest regular one.
        (BIG_BRANCH_USERNAME, Case("summary (biggest branch A00, 30 days)", "get", lambda i: (summary, None), 200, target_p50_ms=100)),
        (BRANCH_USER, Case("summary (branch A01, 30 days)", "get", lambda i: (summary, None), 200, target_p50_ms=100)),
        (ORG_ADMIN, Case(f"summary (organization, {branches} branches, 30 days)", "get", lambda i: (summary, None), 200, target_p50_ms=300)),
    ]
    cases = [(user, case) for user, case in cases if _wanted(case.name, args.only)]
    if not cases:
        return rows
    classify_seeded_lost_leads(log)
    backfill_first_contact(log)
    refresh_rollups(log)

    for username, case in cases:
        with bench_token(username) as (_user, token):
            runner = Runner(token=token, workload=None, requests=args.requests, log=log)
            rows.append(runner.run(case).as_dict())
    return rows
