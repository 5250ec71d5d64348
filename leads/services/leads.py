"""Lead writes: create, update, convert, mark lost. Passports are unique per organization."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import StateConflict
from common.identity import normalize_identity_fields
from leads.models import FINAL_LEAD_STATUSES, LOST_REASON_OTHER, Lead, LeadSource, LeadStatus, MessagingConsent
from leads.services.assignment import lead_auto_assign, notify_assigned
from leads.services.attribution import attribute_history
from leads.services.lost_reasons import lost_reason_for
from leads.services.rules import (
    check_assignee_reaches_branch,
    check_booking_fits_lead,
    check_not_in_past,
    lock_in_scope,
)
from leads.services.sla import first_contact_due_at
from organizations.scoping import check_branch_in_scope

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


def lead_check_status_change(new_status: str, *, lead: Lead | None = None) -> None:
    """The status a create or an update (API, admin, import) may set, `lead` being the row before it (None: new).

    A converted or lost lead's status is final (`StateConflict`, a 409); converted and lost are reached only
    through `lead_convert` and `lead_mark_lost` (a 400 on `lead_status`). Keeping the status is always allowed.
    """
    if lead is not None:
        if new_status == lead.lead_status:
            return
        if not lead.is_open:
            raise StateConflict(f"A {lead.lead_status} lead's status is final.")
    if new_status in FINAL_LEAD_STATUSES:
        raise ValidationError(
            {"lead_status": ["Use the convert or lost endpoint to move a lead to converted or lost."]}
        )


# Columns `clean_fields` leaves alone: relations are checked by their callers, timestamps are set here.
_NOT_CLEANED = ("branch", "organization", "booking", "assigned_to", "created_by", "last_contacted_at",
                "converted_at", "lost_at", "created_at", "updated_at")


def _save_lead(lead: Lead, **save_kwargs) -> None:
    """Save, turning the passport constraint's IntegrityError (a lost race) into a 400."""
    try:
        with transaction.atomic():
            lead.save(**save_kwargs)
    except IntegrityError as exc:
        if "passport" in str(exc).lower():
            raise ValidationError({"passport_number": [DUPLICATE_PASSPORT_MESSAGE]}) from exc
        raise


def check_lost_reason_in_words(*, lost_reason_code: str | None, lost_reason: str) -> None:
    """A lead lost for `other` (or before the catalogue: no code) says why in words; else a 400 on `lost_reason`."""
    if lost_reason_code in (None, LOST_REASON_OTHER) and not (lost_reason or "").strip():
        raise ValidationError({"lost_reason": ["A lead lost for another reason needs it in words."]})


def _check_lost_reason(lead: Lead) -> None:
    """Only a lost lead has a lost reason, and one lost for `other` (or before the catalogue) keeps its text."""
    if lead.lead_status == LeadStatus.LOST:
        category = lead.lost_reason_category
        check_lost_reason_in_words(lost_reason_code=category and category.code, lost_reason=lead.lost_reason)
    elif lead.lost_reason:
        raise ValidationError({"lost_reason": ["Only a lost lead has a lost reason; mark it lost instead."]})


def lead_check_fields(
    lead: Lead,
    *,
    allow_historical_dates: bool = False,
    actor=None,
    changed: set[str] | None = None,
    identity_normalized: bool = False,
) -> None:
    """Every rule a lead's fields obey, judged on the (locked) row as it would be saved; every lead write
    (API, admin, imports) runs it.

    Identity values normalised; lengths and choices valid; the branch one of `actor`'s (when an actor is
    given); an assignee who can open the branch; a lost reason only on a lost lead; no past follow-up day
    unless `allow_historical_dates` (imports of old books). `changed` names the fields an update really
    changes (None: a new lead, every rule): a rule about untouched fields is not re-judged, so an old
    lead's remarks stay editable. `identity_normalized`: the caller already passed passport, CNIC and
    phone through `common.identity` (imports match rows on them first); they are not parsed twice.
    """
    def touches(*fields):
        return changed is None or not changed.isdisjoint(fields)

    if touches("branch"):
        check_branch_in_scope(actor=actor, branch=lead.branch)
    if touches("branch", "assigned_to"):
        check_assignee_reaches_branch(assignee=lead.assigned_to, branch=lead.branch)
    if touches("lost_reason"):
        _check_lost_reason(lead)
    if not identity_normalized:
        normalize_identity_fields(lead)
    lead.clean_fields(exclude=_NOT_CLEANED)
    if not allow_historical_dates and touches("next_followup_date"):
        check_not_in_past(lead.next_followup_date, field="next_followup_date")


@transaction.atomic
def lead_create(
    *,
    branch,
    customer_name: str,
    contact_number: str,
    actor=None,
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
    attribution: dict | None = None,
    utm_source: str = "",
    utm_campaign: str = "",
    messaging_consent: str = MessagingConsent.UNKNOWN,
    messaging_consent_via: str = "",
) -> Lead:
    """Create an open lead in one of `actor`'s branches; passports are unique per organization. A `new` lead's
    first contact is due the organization's first-contact hours of working time from now (`leads.services.sla`).

    The assignee must be able to open the branch; without one, the branch's assignment rule picks one
    (or none: the unassigned queue), and whoever got the lead is told after the commit. The next
    follow-up may not be in the past unless `allow_historical_dates` (imports of old books). Enquiries
    that arrive by themselves (intake) also carry where they came from (`attribution`, UTM tags) and the
    consent the customer gave, with how (`messaging_consent_via`; its time is now).
    """
    lead_check_status_change(lead_status)
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
        created_by=actor,
        attribution=attribution or {},
        utm_source=utm_source,
        utm_campaign=utm_campaign,
        messaging_consent=messaging_consent,
        messaging_consent_via=messaging_consent_via,
        messaging_consent_at=None if messaging_consent == MessagingConsent.UNKNOWN else timezone.now(),
    )
    lead_check_fields(lead, allow_historical_dates=allow_historical_dates, actor=actor)
    _check_passport_free(lead)
    lead.first_contact_due_at = first_contact_due_at(
        organization_id=branch.organization_id, lead_status=lead_status, now=timezone.now()
    )
    attribute_history(lead, actor)
    # Last before the insert: the rule's row stays locked from here to the commit.
    if assigned_to is not None:
        lead.assigned_at = timezone.now()
    else:
        lead_auto_assign(lead)
    _save_lead(lead)
    notify_assigned([lead], actor=actor)
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, actor=None, **changes) -> Lead:
    """Apply `changes` (only client-editable fields) to a lead in `actor`'s scope.

    The row is locked through the caller's scope first, then every rule is judged on it: a lead moved
    out of the caller's branches meanwhile is a 404 (`OutOfScope`), never a write. Status moves among
    new/contacted/interested here; converted and lost have their own services.
    """
    unknown = set(changes) - set(LEAD_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    lead = lock_in_scope(Lead, pk=lead.pk, actor=actor)
    lead_check_status_change(changes.get("lead_status", lead.lead_status), lead=lead)
    changed = {name for name, value in changes.items() if getattr(lead, name) != value}
    for name, value in changes.items():
        setattr(lead, name, value)
    lead_check_fields(lead, actor=actor, changed=changed)
    if "assigned_to" in changed:
        lead.assigned_at = timezone.now() if lead.assigned_to_id is not None else None
    attribute_history(lead, actor)
    _save_lead(lead)
    if "assigned_to" in changed:
        notify_assigned([lead], actor=actor)
    return lead


@transaction.atomic
def lead_convert(*, lead: Lead, booking=None, actor=None) -> Lead:
    """Mark the lead converted (optionally linking `booking`); again on a converted lead is a no-op, on a lost one a conflict."""
    lead = lock_in_scope(Lead, pk=lead.pk, actor=actor)
    if lead.lead_status == LeadStatus.CONVERTED:
        return lead
    if lead.lead_status == LeadStatus.LOST:
        raise StateConflict("A lost lead cannot be converted.")
    check_booking_fits_lead(booking=booking, lead=lead, actor=actor)
    lead.lead_status = LeadStatus.CONVERTED
    lead.converted_at = timezone.now()
    update_fields = ["lead_status", "converted_at", "updated_at"]
    if booking is not None:
        lead.booking = booking
        update_fields.append("booking")
    attribute_history(lead, actor)
    lead.save(update_fields=update_fields)
    return lead


@transaction.atomic
def lead_mark_lost(
    *, lead: Lead, lost_reason: str = "", lost_reason_code: str = LOST_REASON_OTHER, actor=None
) -> Lead:
    """Mark the lead lost for a reason of its organization's catalogue (`lost_reason_code`).

    The free text `lost_reason` is required when the code is `other` (the default, so callers that
    only send a text keep working). A converted lead cannot be lost (conflict); a lost one stays as it is.
    """
    lost_reason = lost_reason or ""
    check_lost_reason_in_words(lost_reason_code=lost_reason_code, lost_reason=lost_reason)
    category = lost_reason_for(organization_id=lead.organization_id, code=lost_reason_code)
    lead = lock_in_scope(Lead, pk=lead.pk, actor=actor)
    if lead.lead_status == LeadStatus.LOST:
        return lead
    if lead.lead_status == LeadStatus.CONVERTED:
        raise StateConflict("A converted lead cannot be marked lost.")
    lead.lead_status = LeadStatus.LOST
    lead.lost_reason = lost_reason
    lead.lost_reason_category = category
    lead.lost_at = timezone.now()
    attribute_history(lead, actor)
    lead.save(update_fields=["lead_status", "lost_reason", "lost_reason_category", "lost_at", "updated_at"])
    return lead
