"""The first-contact SLA's cron job at scale (`--only sla`): `escalate_sla_breaches` over the whole book.

The seeded book predates the SLA (no lead has a due time), so this step gives it one as the service
would have: every lead created in the last 30 days gets a due time 4 hours after it came in (clock
hours: close enough for the job's cost) and its first contact from the seeded last contact; older
leads keep none (no backfill, docs/sla.md). Then, each through the command as cron runs it (mail
to the in-memory outbox):

* first run: every breached, uncontacted, open lead of those 30 days is claimed and told;
* idle run: nothing left to claim (what most 15-minute runs find);
* steady run: 1,000 of them given back, as a busy quarter hour would bring;
* whole book: every lead of the book given a due time (the worst case: an SLA backfilled over two
  years), claimed in one run.

The claim's query plan is shown (EXPLAIN, not executed) to check it reads `lead_sla_escalation_idx`.
Everything is reset afterwards (due times, first contacts and escalations cleared), so each run starts
from the seeded data.
"""

import time
from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from leads.models import Lead
from organizations.models import MembershipRole

WORDS = ("sla",)
STEADY_BATCH = 1_000
TARGET_SECONDS = 5


def wanted(only: str | None) -> bool:
    if not only:
        return True
    return any(word.strip().lower() in WORDS for word in only.split(","))


def only_these(only: str | None) -> bool:
    words = [word.strip().lower() for word in (only or "").split(",") if word.strip()]
    return bool(words) and all(word in WORDS for word in words)


def _vacuum() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Lead._meta.db_table)}")


def _give_due_times(leads) -> int:
    """Due 4 hours after creation, first contact = the seeded last contact; how many leads."""
    count = leads.update(first_contact_due_at=F("created_at") + timedelta(hours=4))
    leads.filter(last_contacted_at__isnull=False).update(first_contacted_at=F("last_contacted_at"))
    _vacuum()
    return count


def _claim_plan() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    picked = Lead.objects.sla_escalation_due(now=timezone.now()).order_by().values("id").select_for_update(
        skip_locked=True
    )
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = picked.query.sql_with_params()
        statement = (
            f"UPDATE {quote(Lead._meta.db_table)} SET sla_escalated_at = now() "
            f"WHERE sla_escalated_at IS NULL AND id = ANY(ARRAY({sql})) RETURNING id, branch_id"
        )
        cursor.execute(f"EXPLAIN {statement}", params)
        return [row[0] for row in cursor.fetchall()]


def _run(label: str, log) -> dict:
    output = StringIO()
    mail.outbox = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", EMAIL_CONFIGURED=True):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call_command("escalate_sla_breaches", stdout=output, stderr=StringIO())
            seconds = time.perf_counter() - started
    figures = {
        "seconds": round(seconds, 3), "queries": len(captured.captured_queries), "output": output.getvalue().strip(),
        "emails": len(mail.outbox), "within_target": seconds <= TARGET_SECONDS,
        "slowest_query_seconds": max((float(query["time"]) for query in captured.captured_queries), default=0.0),
    }
    log(f"  escalate_sla_breaches {label}: {figures['output']} {seconds:.2f} s, {figures['queries']} queries "
        f"(slowest {figures['slowest_query_seconds']:.2f} s)")
    return figures


def measure(*, log) -> dict:
    """The job's figures (module docstring); the book is put back as seeded afterwards."""
    total = Lead.objects.count()
    log(f"first-contact SLA escalation over {total:,} leads")
    figures = {"leads": total, "target_seconds": TARGET_SECONDS}
    # The seeded org admins have no email address: give them one for the run, so the job writes its emails.
    admins = get_user_model().objects.filter(memberships__role=MembershipRole.ORG_ADMIN, email="")
    admin_ids = list(admins.values_list("id", flat=True))
    get_user_model().objects.filter(pk__in=admin_ids).update(email="bench-admin@example.com")
    try:
        recent = Lead.objects.filter(created_at__gte=timezone.now() - timedelta(days=30))
        figures["leads_with_sla"] = _give_due_times(recent)
        figures["claim_plan"] = _claim_plan()
        for line in figures["claim_plan"]:
            log(f"    {line}")
        figures["first_run"] = _run("first run (30 days of leads)", log)
        figures["idle_run"] = _run("idle run", log)
        claimed = list(Lead.objects.filter(sla_escalated_at__isnull=False).order_by("id").values_list("id", flat=True)
                       [:STEADY_BATCH])
        Lead.objects.filter(pk__in=claimed).update(sla_escalated_at=None)
        figures["steady_run"] = _run(f"steady run ({len(claimed):,} new breaches)", log)
        figures["leads_with_sla_whole_book"] = _give_due_times(Lead.objects.filter(first_contact_due_at__isnull=True))
        figures["whole_book_run"] = _run("whole book (every lead given a due time)", log)
    finally:
        get_user_model().objects.filter(pk__in=admin_ids).update(email="")
        Lead.objects.filter(first_contact_due_at__isnull=False).update(
            first_contact_due_at=None, first_contacted_at=None, sla_escalated_at=None
        )
        _vacuum()
    return figures


def table_lines(result: dict | None) -> list[str]:
    if not result:
        return []
    lines = ["", f"escalate_sla_breaches over {result['leads']:,} leads (target ≤ {result['target_seconds']} s):"]
    for key, label in (("first_run", "first run, 30 days of leads with a due time"), ("idle_run", "idle run"),
                       ("steady_run", "steady run"), ("whole_book_run", "whole book given a due time")):
        run = result.get(key)
        if run:
            lines.append(f"  {label}: {run['output']} {run['seconds']:.2f} s, {run['queries']} queries: "
                         f"{'met' if run['within_target'] else 'MISSED'}")
    uses_index = any("lead_sla_escalation_idx" in line for line in result.get("claim_plan", []))
    if result.get("claim_plan"):
        lines.append(f"  claim reads lead_sla_escalation_idx: {'yes' if uses_index else 'NO'}")
    return lines
