"""One enquiry in: a new lead in the source's branch, or a follow-up on the lead the organization already has.

Every door that takes enquiries by itself (the intake endpoint, Meta Lead Ads) calls `intake_submit`.
The customer is recognised by `leads.duplicates.find_customer_lead` (passport, else CNIC, else phone).
Two identical enquiries at once never make two leads: on PostgreSQL a transaction-level advisory lock
per identity value (organization, field, value) makes the second wait for the first's commit and then
find its lead; SQLite serialises writing transactions anyway. New leads go through `lead_create`
(auto-assignment hooks there), follow-ups through `followup_record`.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from common.identity import normalize_identity_fields
from intake.models import IntakeSource
from leads.duplicates import CUSTOMER_MATCH_ORDER, find_customer_lead
from leads.models import ConsentVia, ContactMethod, Lead, MessagingConsent
from leads.services import followup_record, lead_create
from leads.services.attribution import attribute_history

logger = logging.getLogger("leads.intake")

# `last_used_at` is written at most this often per source (not on every post of a busy form).
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass
class Enquiry:
    """What a customer sent (raw; normalised by `intake_submit`)."""

    customer_name: str
    contact_number: str
    passport_number: str = ""
    cnic: str = ""
    area: str = ""
    remarks: str = ""
    messaging_consent: bool | None = None
    utm_source: str = ""
    utm_campaign: str = ""
    attribution: dict | None = None


@dataclass(frozen=True)
class IntakeOutcome:
    lead: Lead
    created: bool  # False: a follow-up was recorded on the customer's existing lead


def _lock_identity(organization_id: int, enquiry: Enquiry) -> None:
    """On PostgreSQL, serialise enquiries naming the same passport, CNIC or phone in one organization until
    commit (sorted, so two transactions never wait on each other in opposite orders)."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        int.from_bytes(
            hashlib.blake2b(f"intake:{organization_id}:{name}:{value}".encode(), digest_size=8).digest(),
            "big", signed=True,
        )
        for name in CUSTOMER_MATCH_ORDER
        if (value := getattr(enquiry, name))
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _consent(source: IntakeSource, enquiry: Enquiry) -> str:
    """Opted in only when the source's form asks and the customer said yes; an explicit no records nothing."""
    if source.asks_consent and enquiry.messaging_consent is True:
        return MessagingConsent.OPTED_IN
    return MessagingConsent.UNKNOWN


def _touch_source(source: IntakeSource) -> None:
    now = timezone.now()
    IntakeSource.objects.filter(pk=source.pk).exclude(last_used_at__gt=now - LAST_USED_RESOLUTION).update(
        last_used_at=now
    )


def _remarks(source: IntakeSource, enquiry: Enquiry) -> str:
    said = (enquiry.remarks or "").strip()
    return f"Enquired again through {source.name}: {said}" if said else f"Enquired again through {source.name}."


def _follow_up(lead: Lead, source: IntakeSource, enquiry: Enquiry) -> None:
    """The returning customer's lead: an inbound follow-up that puts it on today's list (an earlier missed
    day stays), and the consent the form just recorded."""
    today = timezone.localdate()
    next_day = lead.next_followup_date if lead.next_followup_date and lead.next_followup_date <= today else today
    followup_record(
        lead=lead,
        remarks=_remarks(source, enquiry)[:5000],
        contact_method=ContactMethod.OTHER,
        next_followup_date=next_day,
        allow_historical_dates=True,
        inbound=True,
    )
    if _consent(source, enquiry) == MessagingConsent.OPTED_IN and lead.messaging_consent != MessagingConsent.OPTED_IN:
        lead.refresh_from_db(fields=["messaging_consent", "messaging_consent_at", "messaging_consent_via"])
        lead.messaging_consent = MessagingConsent.OPTED_IN
        lead.messaging_consent_at = timezone.now()
        lead.messaging_consent_via = ConsentVia.INTAKE_FORM
        attribute_history(lead, None)
        lead.save(update_fields=["messaging_consent", "messaging_consent_at", "messaging_consent_via", "updated_at"])


@transaction.atomic
def intake_submit(*, source: IntakeSource, enquiry: Enquiry, lead_source: str | None = None) -> IntakeOutcome:
    """Take one enquiry into `source`'s organization: a follow-up "enquired again through <source>" on the
    customer's lead when the organization has one, else a new lead in the source's branch with its lead
    source (`lead_source` overrides it), UTM tags, attribution and consent. Bad values: a ValidationError
    naming the field. The source must be active (the caller checked its key)."""
    normalize_identity_fields(enquiry)
    organization_id = source.organization_id
    _lock_identity(organization_id, enquiry)
    lead = find_customer_lead(
        organization_id=organization_id,
        passport_number=enquiry.passport_number,
        cnic=enquiry.cnic,
        contact_number=enquiry.contact_number,
    )
    _touch_source(source)
    if lead is not None:
        _follow_up(lead, source, enquiry)
        logger.info("Intake source %s: enquiry on existing lead %s.", source.pk, lead.pk,
                    extra={"event": "intake.followup", "source_id": source.pk, "lead_id": lead.pk})
        return IntakeOutcome(lead=lead, created=False)
    consent = _consent(source, enquiry)
    lead = lead_create(
        branch=source.branch,
        customer_name=enquiry.customer_name,
        contact_number=enquiry.contact_number,
        passport_number=enquiry.passport_number,
        cnic=enquiry.cnic,
        area=enquiry.area,
        remarks=enquiry.remarks,
        lead_source=lead_source or source.lead_source,
        utm_source=enquiry.utm_source,
        utm_campaign=enquiry.utm_campaign,
        attribution={"intake_source": source.pk, **(enquiry.attribution or {})},
        messaging_consent=consent,
        messaging_consent_via=ConsentVia.INTAKE_FORM if consent == MessagingConsent.OPTED_IN else "",
    )
    logger.info("Intake source %s: new lead %s.", source.pk, lead.pk,
                extra={"event": "intake.created", "source_id": source.pk, "lead_id": lead.pk})
    return IntakeOutcome(lead=lead, created=True)

