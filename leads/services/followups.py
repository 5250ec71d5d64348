"""Follow-up writes: a recorded contact moves the lead's last contact, next date and `new` status."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads.models import ContactMethod, FollowUpHistory, FollowUpOutcome, Lead, LeadStatus
from leads.services.attribution import attribute_history
from leads.services.rules import check_not_in_future, check_not_in_past, lock_reference


@transaction.atomic
def followup_record(
    *,
    lead: Lead,
    remarks: str,
    contact_method: str = ContactMethod.CALL,
    outcome: str = FollowUpOutcome.ANSWERED,
    followup_at: datetime | None = None,
    next_followup_date: date | None = None,
    actor=None,
    allow_historical_dates: bool = False,
    inbound: bool = False,
) -> FollowUpHistory:
    """Record an attempt to reach a lead in `actor`'s scope; the lead's next follow-up date follows it,
    and, when the customer was reached (`outcome` answered, or a visit), its last contact and `new` status.

    Every attempt is history; an unanswered call (no answer, busy, unreachable, wrong number) is not a contact.

    The contact cannot be in the future nor the next follow-up in the past (unless `allow_historical_dates`, an import
    of past records). The lead is locked through the caller's scope before anything is judged: a lead
    moved out of it meanwhile is a 400 on `lead`, as any lead outside it.

    `inbound`: the customer reached us (an intake form, again): history and the next follow-up date only;
    nobody reached the customer, so the last and first contact and the status stay as they are.
    """
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": [f'"{outcome}" is not a valid choice.']})
    if not remarks or not remarks.strip():
        raise ValidationError({"remarks": ["This field may not be blank."]})
    check_not_in_future(followup_at, field="followup_at")
    if not allow_historical_dates:
        check_not_in_past(next_followup_date, field="next_followup_date")
    followup_at = followup_at or timezone.now()
    lead = lock_reference(Lead, pk=lead.pk, actor=actor, field="lead")
    followup = FollowUpHistory(
        lead=lead,
        followup_at=followup_at,
        contact_method=contact_method,
        outcome=outcome,
        remarks=remarks,
        next_followup_date=next_followup_date,
        created_by=actor,
    )
    attribute_history(followup, actor)
    followup.save()
    update_fields = ["next_followup_date", "updated_at"]
    reached = not inbound and (outcome == FollowUpOutcome.ANSWERED or contact_method == ContactMethod.VISIT)
    if reached and (lead.last_contacted_at is None or followup_at > lead.last_contacted_at):
        lead.last_contacted_at = followup_at
        update_fields.append("last_contacted_at")
    if reached and (lead.first_contacted_at is None or followup_at < lead.first_contacted_at):
        # Kept beside the last contact so the summary's time-to-first-contact reads one column.
        lead.first_contacted_at = followup_at
        update_fields.append("first_contacted_at")
    lead.next_followup_date = next_followup_date
    if reached and lead.lead_status == LeadStatus.NEW:
        lead.lead_status = LeadStatus.CONTACTED
        update_fields.append("lead_status")
    attribute_history(lead, actor)
    lead.save(update_fields=update_fields)
    followup.lead = lead
    return followup
