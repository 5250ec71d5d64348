"""Telling an assignee about the leads just given to them: one email per assignee, after the commit.

Every assignment (a branch's rule on a create, an import, a booking's lead, a manager's bulk assign, a
change of a lead's assignee) calls `notify_assignees` inside its transaction; the notice is queued
only once that transaction commits (a rolled-back create tells nobody) and is sent by a Celery task
(in-process right after the commit when no broker is configured). The email is written in the
recipient's language, like the reminder digest. `ASSIGNMENT_CHANNELS` lists the ways a notice goes
out: a later channel (a WhatsApp message to the member) is one more function taking the same batch.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, ngettext

from leads.models import Lead
from organizations.languages import user_language

logger = logging.getLogger("leads")

# Leads listed in one notice; the rest are counted ("and 12 more").
LISTED_LEADS = 20


@dataclass
class AssignmentNotice:
    """The leads just assigned to one user (newest last), and who assigned them (None: the branch's rule)."""

    user: object
    leads: list[Lead]
    assigned_by: object | None

    @property
    def listed(self) -> list[Lead]:
        return self.leads[:LISTED_LEADS]

    @property
    def more(self) -> int:
        return max(0, len(self.leads) - LISTED_LEADS)


def notify_assignees(*, lead_ids: list[int], assigned_by_id: int | None = None) -> None:
    """After the current transaction commits, tell each of these leads' assignees (the task reads them then)."""
    from leads.tasks import send_assignment_notices

    ids = list(lead_ids)
    transaction.on_commit(lambda: send_assignment_notices.delay(ids, assigned_by_id), robust=True)


def assignment_notices(*, lead_ids: list[int], assigned_by_id: int | None = None) -> list[AssignmentNotice]:
    """The notices for these leads as they are now: grouped by current assignee (active, with an email)."""
    leads = (
        Lead.objects.unscoped().filter(pk__in=lead_ids, assigned_to__is_active=True)
        .exclude(assigned_to__email="")
        .select_related("branch", "assigned_to__preferences")
        .order_by("assigned_to_id", "created_at", "id")
    )
    assigned_by = None
    if assigned_by_id is not None:
        from django.contrib.auth import get_user_model

        assigned_by = get_user_model().objects.filter(pk=assigned_by_id).first()
    notices: dict[int, AssignmentNotice] = {}
    for lead in leads:
        if lead.assigned_to_id == assigned_by_id:
            continue  # nobody is told about a lead they took themselves
        notice = notices.setdefault(lead.assigned_to_id, AssignmentNotice(lead.assigned_to, [], assigned_by))
        notice.leads.append(lead)
    return list(notices.values())


def assignment_email(notice: AssignmentNotice, *, connection=None) -> EmailMultiAlternatives:
    """The notice as a text email with an HTML alternative, in the recipient's language."""
    context = {"notice": notice, "user": notice.user}
    with translation.override(user_language(notice.user)):
        count = len(notice.leads)
        if count == 1:
            subject = gettext("New lead assigned to you: %(name)s") % {"name": notice.leads[0].customer_name}
        else:
            subject = ngettext(
                "%(count)s new lead assigned to you", "%(count)s new leads assigned to you", count
            ) % {"count": count}
        text = render_to_string("leads/email/leads_assigned.txt", context)
        html = render_to_string("leads/email/leads_assigned.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[notice.user.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def email_notices(notices: list[AssignmentNotice]) -> int:
    """Email each notice; a failed send is logged and the others still go. How many were sent."""
    if not settings.EMAIL_CONFIGURED:
        return 0
    connection = get_connection()
    sent = 0
    for notice in notices:
        try:
            assignment_email(notice, connection=connection).send()
            sent += 1
        except Exception:  # any transport failure: the lead is assigned either way; the next notice still goes
            logger.exception("Assignment notice to user %s failed", notice.user.pk)
    return sent


# Each channel takes the notices of one batch; the messaging app may append its own.
ASSIGNMENT_CHANNELS: list[Callable[[list[AssignmentNotice]], int]] = [email_notices]


def send_assignment_notices(*, lead_ids: list[int], assigned_by_id: int | None = None) -> int:
    """Tell the assignees of these leads through every channel; the number of notices built."""
    notices = assignment_notices(lead_ids=lead_ids, assigned_by_id=assigned_by_id)
    for channel in ASSIGNMENT_CHANNELS:
        channel(notices)
    return len(notices)
