"""Inbound WhatsApp and SMS messages: into the customer's thread, or a new lead; STOP and START.

- Idempotent by the provider's message id: the row's unique (channel, provider id) constraint, and on
  PostgreSQL a transaction-level advisory lock per (organization, phone) taken first, so redelivered
  or concurrent copies of one message store one row and record one follow-up, and two first messages
  from one new number make one lead. The lock's key is the one intake takes for the same phone, so a
  web form and a WhatsApp message from one new customer at the same moment also make one lead.
- A known customer (the organization's lead with this phone, E.164, as intake finds it: open leads
  first, then the most recent) gets the message in their thread (`in`, `received`) and a follow-up
  through `followup_record` (`contact_method` whatsapp/sms, the text as remarks, outcome answered),
  due today unless an earlier missed day is already set. It is `inbound` (the customer reached us):
  the lead's status and first/last contact, which measure staff reaching the customer (the
  first-contact SLA), stay as they are. The inbound row also opens WhatsApp's 24-hour window.
- An unknown number becomes a lead through `lead_create` in the channel's intake branch (the
  organization's first branch when none was chosen), `lead_source=whatsapp` for WhatsApp and SMS
  alike (the contract names one source for a lead that wrote to us first; the thread says which
  channel), named from WhatsApp's profile name when given.
- Consent is never inferred from a message: writing to us does not opt a customer in (the contract:
  nothing is sent without `opted_in`). Only the customer's explicit keywords change it: STOP (and
  its Urdu equivalents) opts out at once and is confirmed once (not for the keywords Twilio itself
  confirms on SMS); START opts back in. Both are recorded `via inbound_message` with the time.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common.errors import StateConflict
from common.identity import normalize_contact_number
from leads.duplicates import find_customer_lead
from leads.models import ConsentVia, ContactMethod, Lead, LeadSource, MessagingConsent
from leads.services import followup_record, lead_create
from messaging import keywords
from messaging.models import Channel, ChannelKind, Message, MessageDirection, MessageStatus
from messaging.services.consent import consent_record
from messaging.services.outbox import OPT_OUT_CONFIRMATION_KEY, message_queue
from organizations.models import Branch

logger = logging.getLogger("messaging.webhooks")

MAX_TEXT_CHARS = 4096
MAX_FOLLOW_UP_REMARKS = 5000
OPT_OUT_CONFIRMATION = {
    "en": "You will not get any more messages from us. Reply START if you want them again.",
    "ur": "آپ کو ہماری طرف سے مزید پیغامات نہیں بھیجے جائیں گے۔ دوبارہ پیغامات کے لیے START لکھیں۔",
}
CONTACT_METHOD = {ChannelKind.WHATSAPP: ContactMethod.WHATSAPP, ChannelKind.SMS: ContactMethod.SMS}


@dataclass(frozen=True)
class InboundMessage:
    """One message a customer sent to a channel's number, as the provider described it."""

    provider_message_id: str
    from_number: str  # E.164, or WhatsApp's digits without the plus
    text: str  # what the thread shows: the text, a button's title, a caption, or "[image]"…
    at: datetime
    profile_name: str = ""


@dataclass(frozen=True)
class InboundOutcome:
    result: str  # stored, duplicate, ignored
    message: Message | None = None
    lead: Lead | None = None
    lead_created: bool = False
    opted_out: bool = False
    confirmation: Message | None = None


class _Duplicate(Exception):
    pass


def _lock_phone(organization_id: int, phone: str) -> None:
    """PostgreSQL: one transaction at a time per (organization, phone) until commit (intake's key for a phone)."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(
        hashlib.blake2b(f"intake:{organization_id}:contact_number:{phone}".encode(), digest_size=8).digest(),
        "big", signed=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def customer_lead_by_phone(*, organization_id: int, phone: str) -> Lead | None:
    """The organization's lead with this (E.164) phone, as intake recognises a customer: open leads first,
    then the most recent (`leads.duplicates.find_customer_lead` on the phone alone)."""
    return find_customer_lead(organization_id=organization_id, contact_number=phone)


def _intake_branch(channel: Channel) -> Branch | None:
    if channel.intake_branch_id:
        return channel.intake_branch
    return Branch.objects.filter(organization_id=channel.organization_id).order_by("id").first()


def _phone(raw: str) -> str:
    raw = (raw or "").strip()
    for prefix in ("whatsapp:", "sms:"):
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix):]
    if raw and raw[0].isdigit():
        raw = "+" + raw  # WhatsApp's wa_id: the number in international form without the plus
    return normalize_contact_number(raw)


def inbound_message_receive(*, channel: Channel, inbound: InboundMessage) -> InboundOutcome:
    """Take one inbound message on `channel` (its organization's, and only its): see the module's docstring.

    A message already stored (same channel and provider id) is a `duplicate` and changes nothing. A
    sender whose number is not a valid phone, or a STOP from a number we do not know, is `ignored`.
    """
    if not inbound.provider_message_id:
        return InboundOutcome("ignored")
    try:
        phone = _phone(inbound.from_number)
    except ValidationError:
        logger.warning("Channel %s: a message from an invalid number; ignored.", channel.pk,
                       extra={"event": "messaging.inbound_invalid_number", "channel_id": channel.pk})
        return InboundOutcome("ignored")
    try:
        with transaction.atomic():
            return _receive(channel, inbound, phone)
    except _Duplicate:
        return InboundOutcome("duplicate")


def _receive(channel: Channel, inbound: InboundMessage, phone: str) -> InboundOutcome:
    organization_id = channel.organization_id
    _lock_phone(organization_id, phone)
    if Message.objects.filter(channel_account=channel, provider_message_id=inbound.provider_message_id).exists():
        raise _Duplicate()
    text = (inbound.text or "").strip()[:MAX_TEXT_CHARS] or "[empty message]"
    at = min(inbound.at, timezone.now())
    stop, start = keywords.is_stop(text), keywords.is_start(text)
    lead = customer_lead_by_phone(organization_id=organization_id, phone=phone)
    created = False
    if lead is None:
        if stop:
            # Nothing of theirs is kept, so there is nothing to stop: no lead is made of a STOP.
            logger.info("Channel %s: STOP from a number the organization does not know; nothing stored.", channel.pk)
            return InboundOutcome("ignored")
        branch = _intake_branch(channel)
        if branch is None:
            logger.error("Channel %s: the organization has no branch for a new lead; message dropped.", channel.pk)
            return InboundOutcome("ignored")
        label = ChannelKind(channel.kind).label
        name = " ".join((inbound.profile_name or "").split())[:200] or f"{label} {phone}"
        try:
            lead = lead_create(
                branch=branch, customer_name=name, contact_number=phone, lead_source=LeadSource.WHATSAPP,
                remarks=f"First message ({label}): {text}",
            )
        except ValidationError as exc:  # a refusal that a redelivery would meet again: logged, acknowledged
            logger.error("Channel %s: a new lead from a message was refused: %s", channel.pk, exc.messages)
            return InboundOutcome("ignored")
        created = True
    message = Message(
        organization_id=organization_id,
        lead=lead,
        direction=MessageDirection.IN,
        channel=channel.kind,
        channel_account=channel,
        language="ur" if keywords.written_in_urdu(text) else "en",
        body=text,
        from_number=phone,
        to_number=channel.display_phone_number or channel.from_number,
        status=MessageStatus.RECEIVED,
        provider_message_id=inbound.provider_message_id,
        created_at=at,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        raise _Duplicate() from None
    if not created:
        _follow_up(lead, channel, text, at)
    opted_out = confirmation = None
    if stop:
        opted_out, confirmation = _opt_out(lead, channel, message)
    elif start:
        _opt_in(lead)
    logger.info("Channel %s: inbound message %s on lead %s%s.", channel.pk, message.pk, lead.pk,
                " (new lead)" if created else "",
                extra={"event": "messaging.inbound", "channel_id": channel.pk, "lead_id": lead.pk})
    return InboundOutcome("stored", message, lead, created, bool(opted_out), confirmation)


def _follow_up(lead: Lead, channel: Channel, text: str, at: datetime) -> None:
    """The customer wrote: a follow-up on their lead, due today (an earlier missed day stays); inbound, so
    it does not count as staff's contact."""
    today = timezone.localdate()
    due = lead.next_followup_date if lead.next_followup_date and lead.next_followup_date <= today else today
    label = ChannelKind(channel.kind).label
    followup_record(
        lead=lead,
        remarks=f"{label} message from the customer: {text}"[:MAX_FOLLOW_UP_REMARKS],
        contact_method=CONTACT_METHOD[channel.kind],
        followup_at=at,
        next_followup_date=due,
        allow_historical_dates=True,
        inbound=True,
    )


def _opt_out(lead: Lead, channel: Channel, stop: Message) -> tuple[bool, Message | None]:
    """Opted out at once; one confirmation per change (a second STOP changes nothing and sends nothing)."""
    current = Lead.objects.unscoped().select_for_update().only("messaging_consent").get(pk=lead.pk)
    if current.messaging_consent == MessagingConsent.OPTED_OUT:
        return False, None
    lead = consent_record(lead=lead, consent=MessagingConsent.OPTED_OUT, via=ConsentVia.INBOUND_MESSAGE)
    if channel.kind == ChannelKind.SMS and keywords.twilio_handles(stop.body):
        return True, None  # Twilio answered this keyword itself (and now refuses our sends: 21610)
    language = "ur" if keywords.written_in_urdu(stop.body) else lead.language
    try:
        confirmation = message_queue(
            lead=lead, channel=channel.kind, body=OPT_OUT_CONFIRMATION.get(language, OPT_OUT_CONFIRMATION["en"]),
            dedupe_key=f"{OPT_OUT_CONFIRMATION_KEY}{stop.pk}", opt_out_confirmation=True,
        )
    except (StateConflict, ValidationError) as exc:  # no channel can send it: the opt-out stands regardless
        logger.warning("Lead %s opted out; the confirmation could not be queued: %s", lead.pk, exc)
        return True, None
    return True, confirmation


def _opt_in(lead: Lead) -> None:
    """START: the customer's own, explicit request to be written to again."""
    if lead.messaging_consent != MessagingConsent.OPTED_IN:
        consent_record(lead=lead, consent=MessagingConsent.OPTED_IN, via=ConsentVia.INBOUND_MESSAGE)
