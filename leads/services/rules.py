"""The rules several services share: scope (lock, then check), dates, assignees.

Each is written once here and raised as Django's `ValidationError` naming the field (a 400 in the
API, a field error in the admin) or `OutOfScope` (404). `actor=None` means a system job (booking
automation, imports run by a command): it acts on every tenant.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from common.errors import OutOfScope, StateConflict
from organizations.models import Branch
from organizations.scoping import NOT_IN_SCOPE, reaches_branch

# Clocks of phones and desks drift; a follow-up a few minutes "in the future" is still now.
FOLLOWUP_CLOCK_SKEW = timedelta(minutes=5)


def lock_in_scope(model, *, pk: int, actor):
    """The row locked through `actor`'s scope (`SELECT … FOR UPDATE`), or `OutOfScope` (404).

    The lock comes first and the scope is judged on the locked row: a row moved out of the actor's
    branches by a transaction that committed meanwhile is re-read after it and is then not found.
    """
    row = model.objects.lock_visible_to(actor, pk)
    if row is None:
        raise OutOfScope()
    return row


def lock_commitment(*, pk: int, actor):
    """A loan commitment locked through `actor`'s scope, its lead locked first; or `OutOfScope` (404).

    The one lock order of the loan book, so no two writers can deadlock: leads (by id), then their
    commitments. A merge locks its leads and then moves their commitments; a payment, a change, a
    reschedule or a close locks the commitment's lead before the commitment (and refreshes that
    lead's next promise date while it holds both). A merge that moved the commitment to another
    lead between the two reads is a 409: the commitment is on the kept lead now, ask again.
    """
    from django.db.models import Subquery

    from leads.models import Lead, LoanCommitment

    moved = StateConflict("The commitment was merged into another lead meanwhile; try again.")
    # One statement: the commitment's lead, locked (only a lock; the scope is judged on the commitment below).
    its_lead = LoanCommitment.objects.unscoped().filter(pk=pk).values("lead_id")[:1]
    # The row itself, not only its id: the commitment comes back with its lead loaded (what listeners of a
    # payment, such as the customer's receipt message, read) at no extra query.
    lead = (
        Lead.objects.unscoped().select_for_update(of=("self",)).filter(pk=Subquery(its_lead)).order_by().first()
    )
    if lead is None:  # no such commitment, or its lead was deleted by a merge while we waited for it
        if LoanCommitment.objects.unscoped().filter(pk=pk).exists():
            raise moved
        raise OutOfScope()
    commitment = lock_in_scope(LoanCommitment, pk=pk, actor=actor)
    if commitment.lead_id != lead.pk:
        raise moved
    commitment.lead = lead
    return commitment


def lock_reference(model, *, pk: int, actor, field: str):
    """Like `lock_in_scope` for an object named in the body (`lead` of a follow-up): a 400 on `field`."""
    row = model.objects.lock_visible_to(actor, pk)
    if row is None:
        raise ValidationError({field: [NOT_IN_SCOPE.format(pk=pk)]})
    return row


def check_reference_in_scope(*, actor, obj, field: str) -> None:
    """An object named in the body (a booking) must be in the actor's scope: else a 400 on `field`."""
    if actor is not None and obj is not None and not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise ValidationError({field: [NOT_IN_SCOPE.format(pk=obj.pk)]})


def check_assignee_reaches_branch(*, assignee, branch: Branch) -> None:
    """A lead's assignee must be able to open it: a member of its branch or organization, or staff."""
    if assignee is not None and not (assignee.is_active and reaches_branch(assignee, branch)):
        raise ValidationError({"assigned_to": ["This user cannot see leads of this branch."]})


HISTORICAL_DATE_MESSAGE = "This date cannot be in the past."


def check_not_in_past(value: date | None, *, field: str) -> None:
    """A day still to come (today counts), judged on the business day."""
    if value is not None and value < timezone.localdate():
        raise ValidationError({field: [HISTORICAL_DATE_MESSAGE]})


def check_not_in_future(value: datetime | None, *, field: str) -> None:
    """A moment that has happened (give or take the clock skew of the device that recorded it)."""
    if value is not None and value > timezone.now() + FOLLOWUP_CLOCK_SKEW:
        raise ValidationError({field: ["A follow-up cannot be in the future."]})


def check_booking_fits_lead(*, booking, lead, actor) -> None:
    """A booking named for a lead (convert, a commitment) is in the actor's scope and the lead's organization."""
    if booking is None:
        return
    check_reference_in_scope(actor=actor, obj=booking, field="booking")
    if booking.organization_id != lead.organization_id:
        raise ValidationError({"booking": ["The booking belongs to another organization."]})
