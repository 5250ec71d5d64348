"""Reads shared by views, commands and tests: what is due on a day, what is overdue."""

from datetime import date

from django.db.models import QuerySet

from leads.models import OPEN_LOAN_STATUSES, Lead, LoanCommitment


def leads_due_on(*, day: date, user=None) -> QuerySet[Lead]:
    """Open leads (not converted, not lost) whose next follow-up is `day`, within `user`'s scope when given."""
    leads = Lead.objects.open().filter(next_followup_date=day)
    return leads.visible_to(user) if user is not None else leads


def leads_due_by(*, day: date, user=None) -> QuerySet[Lead]:
    """Open leads whose next follow-up is `day` or already past it."""
    leads = Lead.objects.open().filter(next_followup_date__lte=day)
    return leads.visible_to(user) if user is not None else leads


def overdue_loan_commitments(*, as_of: date, user=None) -> QuerySet[LoanCommitment]:
    """Commitments not cleared or cancelled whose promised date is before `as_of`, whether or not the job marked them."""
    commitments = LoanCommitment.objects.filter(status__in=OPEN_LOAN_STATUSES, promised_clear_date__lt=as_of)
    return commitments.visible_to(user) if user is not None else commitments
