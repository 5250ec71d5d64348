"""Follow-up reminder digests: who is told about which leads on a day, and sending each user one email a day.

A user's digest lists, per branch, the open leads whose next follow-up is the day and those already
past it, with the last follow-up's remarks. Branch users of a branch get all of its leads; a lead's
`assigned_to` gets that lead too, but only while the lead is in their current scope (a member of its
branch or org admin of its organization, or staff): an assignee who lost access hears nothing of it.
A user in several branches gets one digest with a section per branch. Branch users also get their
branch's "payments due and overdue": open loan commitments promised on the day or before, with the
balance and days late (`payments_due_by`, the same rows as the overdue-loans list and the aging report).

At most one digest per user per day, across cron re-runs and hosts: the (user, day) row of
`FollowUpReminder` is inserted before the email is sent, and its unique constraint lets only one run
win; a failed send deletes the row so a later run retries.

Each digest is written in its recipient's language: the one they last chose with the language switch
of the desk or the admin (`UserPreferences`), English when they never chose.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from leads.loan_book import payments_due_by
from leads.models import FollowUpHistory, FollowUpReminder, Lead, LoanCommitment
from leads.selectors import leads_due_by_unscoped
from organizations.languages import user_language
from organizations.models import BRANCH_ROLES, Branch, Membership
from organizations.scoping import user_sees_everything

logger = logging.getLogger("leads")

# A claim whose email never went out (the run died between claim and send) is taken over after this.
STALE_CLAIM_AFTER = timedelta(hours=1)


@dataclass
class BranchSection:
    branch: Branch
    due: list[Lead] = field(default_factory=list)
    overdue: list[Lead] = field(default_factory=list)
    payments_due: list[LoanCommitment] = field(default_factory=list)
    payments_overdue: list[LoanCommitment] = field(default_factory=list)


@dataclass
class Digest:
    user: object
    day: date
    sections: list[BranchSection]

    @property
    def lead_ids(self) -> set[int]:
        return {lead.pk for section in self.sections for lead in section.due + section.overdue}

    @property
    def due_count(self) -> int:
        return sum(len(section.due) for section in self.sections)

    @property
    def overdue_count(self) -> int:
        return sum(len(section.overdue) for section in self.sections)

    @property
    def payments_due_count(self) -> int:
        return sum(len(section.payments_due) for section in self.sections)

    @property
    def payments_overdue_count(self) -> int:
        return sum(len(section.payments_overdue) for section in self.sections)


@dataclass
class ReminderRun:
    sent: int = 0
    lead_ids: set[int] = field(default_factory=set)
    already_claimed: int = 0
    failures: list[tuple[object, str]] = field(default_factory=list)


def followup_digest_leads(*, day: date) -> QuerySet[Lead]:
    """Open leads of every tenant due on `day` or before, with branch and assignee joined and `last_remarks`
    annotated (one query); `followup_digests` narrows them to each recipient's scope."""
    last_remarks = (
        FollowUpHistory.objects.filter(lead=OuterRef("pk")).order_by("-followup_at", "-id").values("remarks")[:1]
    )
    return (
        leads_due_by_unscoped(day=day)
        .select_related("branch", "assigned_to__preferences")
        .annotate(last_remarks=Subquery(last_remarks))
        .order_by("next_followup_date", "customer_name", "id")
    )


def followup_digests(*, day: date) -> list[Digest]:
    """One digest per user with an email who should hear about leads or payments due by `day` (three queries in all)."""
    leads = list(followup_digest_leads(day=day))
    leads_by_branch: dict[int, list[Lead]] = {}
    for lead in leads:
        leads_by_branch.setdefault(lead.branch_id, []).append(lead)
    payments_by_branch: dict[int, list[LoanCommitment]] = {}
    for commitment in payments_due_by(day=day):
        payments_by_branch.setdefault(commitment.branch_id, []).append(commitment)
    assignee_ids = {lead.assigned_to_id for lead in leads if lead.assigned_to_id is not None}
    # One query: the branch users of the leads' and payments' branches, and every membership of the
    # assignees (their scope).
    memberships = list(
        Membership.objects.filter(
            Q(role__in=BRANCH_ROLES, branch_id__in=set(leads_by_branch) | set(payments_by_branch))
            | Q(user_id__in=assignee_ids)
        ).select_related("user__preferences")
    )
    memberships_of: dict[int, list[Membership]] = {}
    for membership in memberships:
        memberships_of.setdefault(membership.user_id, []).append(membership)

    users: dict[int, object] = {}
    leads_per_user: dict[int, dict[int, Lead]] = {}
    payments_per_user: dict[int, list[LoanCommitment]] = {}

    def tell(user, lead: Lead) -> None:
        users.setdefault(user.pk, user)
        leads_per_user.setdefault(user.pk, {})[lead.pk] = lead

    for membership in memberships:
        if membership.role in BRANCH_ROLES:
            for lead in leads_by_branch.get(membership.branch_id, ()):
                tell(membership.user, lead)
            branch_payments = payments_by_branch.get(membership.branch_id, ())
            if branch_payments:
                users.setdefault(membership.user_id, membership.user)
                payments_per_user.setdefault(membership.user_id, []).extend(branch_payments)
    for lead in leads:
        assignee = lead.assigned_to
        if assignee is not None and _in_scope(assignee, lead, memberships_of.get(assignee.pk, ())):
            tell(assignee, lead)

    digests = []
    for user_id in sorted(users):
        user = users[user_id]
        if not user.email or not user.is_active:
            continue
        sections = _sections(
            leads_per_user.get(user_id, {}).values(), payments_per_user.get(user_id, ()), day=day
        )
        digests.append(Digest(user=user, day=day, sections=sections))
    return digests


def _in_scope(user, lead: Lead, memberships) -> bool:
    """Whether `lead` is in `user`'s current scope, judged from their memberships already loaded."""
    return user_sees_everything(user) or any(membership.reaches(lead.branch) for membership in memberships)


def _sections(leads, payments, *, day: date) -> list[BranchSection]:
    sections: dict[int, BranchSection] = {}
    for lead in sorted(leads, key=lambda lead: (lead.next_followup_date, lead.customer_name, lead.pk)):
        section = sections.setdefault(lead.branch_id, BranchSection(branch=lead.branch))
        (section.due if lead.next_followup_date == day else section.overdue).append(lead)
    for commitment in payments:  # already oldest promise first
        section = sections.setdefault(commitment.branch_id, BranchSection(branch=commitment.branch))
        commitment.days_late = (day - commitment.promised_clear_date).days
        (section.payments_due if commitment.promised_clear_date == day else section.payments_overdue).append(commitment)
    return sorted(sections.values(), key=lambda section: (section.branch.name, section.branch.pk))


def digest_message(digest: Digest, *, connection=None) -> EmailMultiAlternatives:
    """The digest as a text email with an HTML alternative, addressed to the user, in their language."""
    context = {"digest": digest, "user": digest.user, "day": digest.day, "sections": digest.sections}
    with translation.override(user_language(digest.user)):
        subject = _("Lead follow-ups for %(day)s: %(due)s due, %(overdue)s overdue") % {
            "day": dateformat.format(digest.day, "d M Y"), "due": digest.due_count, "overdue": digest.overdue_count,
        }
        if digest.payments_due_count or digest.payments_overdue_count:
            subject += _("; payments: %(due)s due, %(overdue)s overdue") % {
                "due": digest.payments_due_count, "overdue": digest.payments_overdue_count,
            }
        text = render_to_string("leads/email/followup_digest.txt", context)
        html = render_to_string("leads/email/followup_digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[digest.user.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(digest: Digest) -> FollowUpReminder | None:
    """Take the (user, day) claim, or a stale unsent one; None when another run holds or sent it."""
    try:
        with transaction.atomic():
            return FollowUpReminder.objects.create(
                user=digest.user, day=digest.day, lead_count=len(digest.lead_ids)
            )
    except IntegrityError:
        pass
    now = timezone.now()
    taken_over = FollowUpReminder.objects.filter(
        user=digest.user, day=digest.day, sent_at__isnull=True, claimed_at__lt=now - STALE_CLAIM_AFTER
    ).update(claimed_at=now, lead_count=len(digest.lead_ids))
    if taken_over:
        return FollowUpReminder.objects.get(user=digest.user, day=digest.day)
    return None


def followup_reminders_send(*, day: date, dry_run: bool = False) -> ReminderRun:
    """Email each due user their digest for `day`, at most once per user per day; failures release their claim.

    With `dry_run` nothing is claimed or sent: the result counts the digests not yet claimed for the day.
    """
    digests = followup_digests(day=day)
    run = ReminderRun()
    if dry_run:
        claimed = set(FollowUpReminder.objects.filter(day=day).values_list("user_id", flat=True))
        for digest in digests:
            if digest.user.pk in claimed:
                run.already_claimed += 1
            else:
                run.sent += 1
                run.lead_ids |= digest.lead_ids
        return run

    connection = get_connection()
    for digest in digests:
        message = digest_message(digest, connection=connection)
        reminder = _claim(digest)
        if reminder is None:
            run.already_claimed += 1
            continue
        try:
            message.send()
        except Exception as exc:  # any transport failure (SMTP, socket, TLS): free the day so a later run retries
            FollowUpReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).delete()
            logger.exception("Follow-up digest to user %s for %s failed; claim released", digest.user.pk, day)
            run.failures.append((digest.user, str(exc) or exc.__class__.__name__))
            continue
        FollowUpReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
        run.sent += 1
        run.lead_ids |= digest.lead_ids
    return run
