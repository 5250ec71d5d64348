"""Lead writes: create, update, convert, mark lost. Passports are unique per organization."""

from datetime import date
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import StateConflict
from common.identity import normalize_identity_fields
from leads.models import FINAL_LEAD_STATUSES, LOST_REASON_OTHER, Lead, LeadSource, LeadStatus
from leads.services.attribution import attribute_history
from leads.services.lost_reasons import lost_reason_for

LEAD_EDITABLE_FIELDS = (
    "customer_name",
    "passport_number",
    "contact_number",
    "cnic",
    "address",
    "area",
    "branch",
    "lead_source",
    "lead_status",
    "next_followup_date",
    "assigned_to",
    "lost_reason",
    "remarks",
)
DUPLICATE_PASSPORT_MESSAGE = "A lead with this passport number already exists in this organization."


def _check_passport_free(lead: Lead) -> None:
    if not lead.passport_number:
        return
    clash = Lead.objects.filter(
        organization_id=lead.branch.organization_id, passport_number=lead.passport_number
    ).exclude(pk=lead.pk)
    if clash.exists():
        raise ValidationError({"passport_number": [DUPLICATE_PASSPORT_MESSAGE]})


def _check_open_status(lead_status: str) -> None:
    if lead_status in FINAL_LEAD_STATUSES:
        raise ValidationError(
            {"lead_status": ["Use the convert or lost endpoint to move a lead to converted or lost."]}
        )


HISTORICAL_DATE_MESSAGE = "This date cannot be in the past."
# Columns `clean_fields` leaves alone: relations are checked by their callers, timestamps are set here.
_NOT_CLEANED = ("branch", "organization", "booking", "assigned_to", "created_by", "last_contacted_at",
                "converted_at", "lost_at", "created_at", "updated_at")


def lead_check_fields(lead: Lead, *, allow_historical_dates: bool = False) -> None:
    """The rules every lead write shares: identity values normalised, lengths and choices valid,
    an open status, and no past follow-up date unless `allow_historical_dates` (imports of old books)."""
    normalize_identity_fields(lead)
    lead.clean_fields(exclude=_NOT_CLEANED)
    if (
        not allow_historical_dates
        and lead.next_followup_date is not None
        and lead.next_followup_date < timezone.localdate()
    ):
        raise ValidationError({"next_followup_date": [HISTORICAL_DATE_MESSAGE]})


def _save_lead(lead: Lead, **save_kwargs) -> None:
    """Save, turning the passport constraint's IntegrityError (a lost race) into a 400."""
    try:
        with transaction.atomic():
            lead.save(**save_kwargs)
    except IntegrityError as exc:
        if "passport" in str(exc).lower():
            raise ValidationError({"passport_number": [DUPLICATE_PASSPORT_MESSAGE]}) from exc
        raise


@transaction.atomic
def lead_create(
    *,
    branch,
    customer_name: str,
    contact_number: str,
    created_by=None,
    passport_number: str = "",
    cnic: str = "",
    address: str = "",
    area: str = "",
    lead_source: str = LeadSource.WALK_IN,
    lead_status: str = LeadStatus.NEW,
    next_followup_date: date | None = None,
    assigned_to=None,
    remarks: str = "",
    allow_historical_dates: bool = False,
) -> Lead:
    """Create an open lead in `branch` (its organization follows the branch); passports are unique per organization.

    `allow_historical_dates` is for imports only: a register brought in may carry past follow-up dates.
    """
    _check_open_status(lead_status)
    lead = Lead(
        branch=branch,
        customer_name=customer_name,
        contact_number=contact_number,
        passport_number=passport_number,
        cnic=cnic,
        address=address,
        area=area,
        lead_source=lead_source,
        lead_status=lead_status,
        next_followup_date=next_followup_date,
        assigned_to=assigned_to,
        remarks=remarks,
        created_by=created_by,
    )
    lead.organization_id = branch.organization_id
    lead_check_fields(lead, allow_historical_dates=allow_historical_dates)
    _check_passport_free(lead)
    attribute_history(lead, created_by)
    _save_lead(lead)
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, changed_by=None, **changes) -> Lead:
    """Apply `changes` (only client-editable fields) to an open or closed lead's details.

    Status moves among new/contacted/interested here; converted and lost have their own services.
    """
    unknown = set(changes) - set(LEAD_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    new_status = changes.get("lead_status", lead.lead_status)
    if new_status != lead.lead_status:
        if not lead.is_open:
            raise StateConflict(f"A {lead.lead_status} lead's status is final.")
        _check_open_status(new_status)
    for name, value in changes.items():
        setattr(lead, name, value)
    normalize_identity_fields(lead)
    _check_passport_free(lead)
    attribute_history(lead, changed_by)
    _save_lead(lead)
    return lead


@transaction.atomic
def lead_convert(*, lead: Lead, booking=None, converted_by=None) -> Lead:
    """Mark the lead converted (optionally linking `booking`); again on a converted lead is a no-op, on a lost one a conflict."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.lead_status == LeadStatus.CONVERTED:
        return lead
    if lead.lead_status == LeadStatus.LOST:
        raise StateConflict("A lost lead cannot be converted.")
    if booking is not None and booking.organization_id != lead.organization_id:
        raise ValidationError({"booking": ["The booking belongs to another organization."]})
    lead.lead_status = LeadStatus.CONVERTED
    lead.converted_at = timezone.now()
    update_fields = ["lead_status", "converted_at", "updated_at"]
    if booking is not None:
        lead.booking = booking
        update_fields.append("booking")
    attribute_history(lead, converted_by)
    lead.save(update_fields=update_fields)
    return lead


@transaction.atomic
def lead_mark_lost(
    *, lead: Lead, lost_reason: str = "", lost_reason_code: str = LOST_REASON_OTHER, marked_by=None
) -> Lead:
    """Mark the lead lost for a reason of its organization's catalogue (`lost_reason_code`).

    The free text `lost_reason` is required when the code is `other` (the default, so callers that
    only send a text keep working). A converted lead cannot be lost (conflict); a lost one stays as it is.
    """
    lost_reason = lost_reason or ""
    if lost_reason_code == LOST_REASON_OTHER and not lost_reason.strip():
        raise ValidationError({"lost_reason": ["This field is required when lost_reason_code is other."]})
    category = lost_reason_for(organization_id=lead.organization_id, code=lost_reason_code)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.lead_status == LeadStatus.LOST:
        return lead
    if lead.lead_status == LeadStatus.CONVERTED:
        raise StateConflict("A converted lead cannot be marked lost.")
    lead.lead_status = LeadStatus.LOST
    lead.lost_reason = lost_reason
    lead.lost_reason_category = category
    lead.lost_at = timezone.now()
    attribute_history(lead, marked_by)
    lead.save(update_fields=["lead_status", "lost_reason", "lost_reason_category", "lost_at", "updated_at"])
    return lead
