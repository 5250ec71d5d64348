"""Follow-up writes: a recorded contact moves the lead's last contact, next date and `new` status."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads.models import ContactMethod, FollowUpHistory, Lead, LeadStatus
from leads.services.attribution import attribute_history


@transaction.atomic
def followup_record(
    *,
    lead: Lead,
    remarks: str,
    contact_method: str = ContactMethod.CALL,
    followup_at: datetime | None = None,
    next_followup_date: date | None = None,
    created_by=None,
) -> FollowUpHistory:
    """Record a contact with the lead; the lead's last contact, next follow-up date and `new` status follow it."""
    if not remarks or not remarks.strip():
        raise ValidationError({"remarks": ["This field may not be blank."]})
    followup_at = followup_at or timezone.now()
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    followup = FollowUpHistory(
        lead=lead,
        followup_at=followup_at,
        contact_method=contact_method,
        remarks=remarks,
        next_followup_date=next_followup_date,
        created_by=created_by,
    )
    attribute_history(followup, created_by)
    followup.save()
    update_fields = ["last_contacted_at", "next_followup_date", "updated_at"]
    if lead.last_contacted_at is None or followup_at > lead.last_contacted_at:
        lead.last_contacted_at = followup_at
    lead.next_followup_date = next_followup_date
    if lead.lead_status == LeadStatus.NEW:
        lead.lead_status = LeadStatus.CONTACTED
        update_fields.append("lead_status")
    attribute_history(lead, created_by)
    lead.save(update_fields=update_fields)
    followup.lead = lead
    return followup
