"""First-contact SLA escalations: the branch's managers (else its org admins) hear once of each lead
still waiting for its first contact past its due time (`escalate_sla_breaches`, docs/sla.md).

Claim before tell: one `UPDATE … SET sla_escalated_at = now WHERE id IN (SELECT … WHERE
<sla_escalation_condition> FOR UPDATE SKIP LOCKED) RETURNING id, branch_id` takes every breached,
still uncontacted, open lead not yet escalated. A second run overlapping the first skips the rows
the first holds and, once it committed, finds them escalated: each lead is claimed by exactly one
run, so nobody is told twice. The
claim is committed before any email goes out (at most once); a recipient whose email fails is retried
by the next run only when every recipient of that branch failed (the branch's leads are released).

Who is told: the active users with an email address holding a `branch_manager` membership on the
lead's branch; when the branch has none, the org admins of its organization. One email per recipient
per run lists their leads branch by branch (at most LISTED_PER_BRANCH each, then how many more), in
the recipient's language, like the follow-up digest (leads/reminders.py).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, router, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from leads.models import Lead
from organizations.languages import user_language
from organizations.models import Branch, Membership, MembershipRole

logger = logging.getLogger("leads")

LISTED_PER_BRANCH = 50
_CHUNK = 5000  # ids per statement when releasing a claim (SQLite takes at most 32,766 parameters)


@dataclass
class EscalationSection:
    branch: Branch
    leads: list[Lead] = field(default_factory=list)  # the first LISTED_PER_BRANCH, oldest first
    count: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.leads)


@dataclass
class EscalationDigest:
    user: object
    sections: list[EscalationSection]

    @property
    def lead_count(self) -> int:
        return sum(section.count for section in self.sections)


@dataclass
class EscalationRun:
    leads: int = 0  # claimed (or, in a dry run, that would be)
    emails: int = 0  # sent (or that would be)
    untold: int = 0  # claimed leads of branches with nobody to tell
    released: int = 0  # claimed leads given back because every email about them failed
    failures: list[tuple[object, str]] = field(default_factory=list)


def _claim(now: datetime) -> list[tuple[int, int]]:
    """Mark every lead `sla_escalation_due(now)` as escalated at `now`, in one statement; (id, branch_id) of each.

    On PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`: a lead another run (or a follow-up being
    recorded) holds is left to the next run instead of waited for, so overlapping runs neither block nor
    deadlock, and a lead claimed meanwhile is re-checked and left out. SQLite serialises writers anyway.
    """
    alias = router.db_for_write(Lead)
    connection = connections[alias]
    quote = connection.ops.quote_name
    with transaction.atomic(using=alias):
        picked = (
            Lead.objects.using(alias).sla_escalation_due(now=now).order_by().values("id")
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
        )
        subquery, params = picked.query.sql_with_params()
        # PostgreSQL: the ids as one array (an InitPlan), then primary-key lookups; `IN (subquery)` made it
        # hash-join the picked ids against a scan of the whole table.
        picked_ids = f"= ANY(ARRAY({subquery}))" if connection.vendor == "postgresql" else f"IN ({subquery})"
        sql = (
            f"UPDATE {quote(Lead._meta.db_table)} SET {quote('sla_escalated_at')} = %s "
            f"WHERE {quote('sla_escalated_at')} IS NULL AND {quote('id')} {picked_ids} "
            f"RETURNING {quote('id')}, {quote('branch_id')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), *params])
            return list(cursor.fetchall())


def _release(lead_ids: list[int], *, claimed_at: datetime) -> int:
    """Give back leads this run claimed (their emails all failed): the next run claims them again."""
    released = 0
    for start in range(0, len(lead_ids), _CHUNK):
        released += Lead.objects.filter(
            pk__in=lead_ids[start:start + _CHUNK], sla_escalated_at=claimed_at
        ).update(sla_escalated_at=None)
    return released


def _recipients_by_branch(branches: dict[int, Branch]) -> dict[int, list]:
    """Per branch id: the users to tell (its managers, else its organization's admins); one query."""
    organization_ids = {branch.organization_id for branch in branches.values()}
    memberships = (
        Membership.objects.filter(
            Q(role=MembershipRole.BRANCH_MANAGER, branch_id__in=list(branches))
            | Q(role=MembershipRole.ORG_ADMIN, organization_id__in=organization_ids),
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user__preferences")
        .order_by("user_id")
    )
    managers: dict[int, list] = {}
    admins: dict[int, list] = {}
    for membership in memberships:
        if membership.role == MembershipRole.BRANCH_MANAGER:
            managers.setdefault(membership.branch_id, []).append(membership.user)
        else:
            admins.setdefault(membership.organization_id, []).append(membership.user)
    return {
        branch_id: managers.get(branch_id) or admins.get(branch.organization_id, [])
        for branch_id, branch in branches.items()
    }


def escalation_digests(claimed: list[tuple[int, int]]) -> tuple[list[EscalationDigest], dict[int, list]]:
    """The emails for these (lead id, branch id) pairs, and each branch's recipients; three queries."""
    ids_by_branch: dict[int, list[int]] = {}
    for lead_id, branch_id in claimed:
        ids_by_branch.setdefault(branch_id, []).append(lead_id)
    if not ids_by_branch:
        return [], {}
    branches = Branch.objects.in_bulk(list(ids_by_branch))
    recipients = _recipients_by_branch(branches)
    listed_ids = [lead_id for ids in ids_by_branch.values() for lead_id in sorted(ids)[:LISTED_PER_BRANCH]]
    listed: dict[int, list[Lead]] = {}
    for lead in (
        Lead.objects.unscoped().filter(pk__in=listed_ids).select_related("assigned_to")
        .only("id", "branch_id", "customer_name", "contact_number", "first_contact_due_at", "created_at",
              "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name")
        .order_by("first_contact_due_at", "id")
    ):
        listed.setdefault(lead.branch_id, []).append(lead)

    sections_of: dict[int, list[EscalationSection]] = {}
    users: dict[int, object] = {}
    for branch_id, ids in ids_by_branch.items():
        section = EscalationSection(branch=branches[branch_id], leads=listed.get(branch_id, []), count=len(ids))
        for user in recipients[branch_id]:
            users.setdefault(user.pk, user)
            sections_of.setdefault(user.pk, []).append(section)
    digests = [
        EscalationDigest(
            user=users[user_id],
            sections=sorted(sections_of[user_id], key=lambda section: (section.branch.name, section.branch.pk)),
        )
        for user_id in sorted(users)
    ]
    return digests, recipients


def escalation_message(digest: EscalationDigest, *, connection=None) -> EmailMultiAlternatives:
    """The escalation as a text email with an HTML alternative, in the recipient's language."""
    context = {"digest": digest, "user": digest.user, "sections": digest.sections}
    with translation.override(user_language(digest.user)):
        subject = ngettext(
            "First contact overdue: %(count)s lead is still waiting",
            "First contact overdue: %(count)s leads are still waiting",
            digest.lead_count,
        ) % {"count": digest.lead_count}
        text = render_to_string("leads/email/sla_escalation.txt", context)
        html = render_to_string("leads/email/sla_escalation.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[digest.user.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def sla_breaches_escalate(*, now: datetime | None = None, dry_run: bool = False) -> EscalationRun:
    """Claim every lead whose first contact is overdue and not yet escalated, and tell each branch's managers
    (else its org admins) once, one email per recipient. With `dry_run` nothing is claimed or sent: the run
    counts what would be."""
    now = now or timezone.now()
    run = EscalationRun()
    if dry_run:
        pending = list(Lead.objects.sla_escalation_due(now=now).values_list("id", "branch_id"))
        digests, recipients = escalation_digests(pending)
        run.leads, run.emails = len(pending), len(digests)
        run.untold = sum(1 for _lead_id, branch_id in pending if not recipients[branch_id])
        return run

    claimed = _claim(now)
    run.leads = len(claimed)
    digests, recipients = escalation_digests(claimed)
    run.untold = sum(1 for _lead_id, branch_id in claimed if not recipients[branch_id])
    if run.untold:
        logger.warning("%s breached leads belong to branches with no manager or org admin to tell.", run.untold,
                       extra={"event": "sla.untold", "leads": run.untold})
    failed_users: set[int] = set()
    connection = get_connection()
    for digest in digests:
        try:
            escalation_message(digest, connection=connection).send()
        except Exception as exc:  # any transport failure (SMTP, socket, TLS): counted, retried below if need be
            logger.exception("SLA escalation email to user %s failed", digest.user.pk)
            run.failures.append((digest.user, str(exc) or exc.__class__.__name__))
            failed_users.add(digest.user.pk)
            continue
        run.emails += 1
    if failed_users:
        unheard = {
            branch_id for branch_id, users in recipients.items()
            if users and all(user.pk in failed_users for user in users)
        }
        run.released = _release(
            [lead_id for lead_id, branch_id in claimed if branch_id in unheard], claimed_at=now
        )
    return run
