"""Connecting an organization's WhatsApp number or Twilio account, and choosing the channel a message goes through."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.errors import OutOfScope
from common.identity import normalize_contact_number
from messaging.encryption import reveal
from messaging.models import Channel, ChannelKind
from messaging.permissions import administers_organization
from messaging.providers.base import Provider
from messaging.providers.log import LogProvider
from messaging.providers.twilio import TwilioProvider
from messaging.providers.whatsapp import WhatsAppCloudProvider
from organizations.models import Branch
from organizations.scoping import NOT_IN_SCOPE

MAX_DAILY_LIMIT = 1_000_000


def _check_admin(actor, organization, *, field: str | None = None) -> None:
    """Only the organization's admins (and staff) manage its channels: a 400 on `field` when it was named
    in a body, else a 404."""
    if actor is not None and not administers_organization(actor, organization.pk):
        if field:
            raise ValidationError({field: [NOT_IN_SCOPE.format(pk=organization.pk)]})
        raise OutOfScope()


def _phone(value: str, field: str) -> str:
    try:
        return normalize_contact_number(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _intake_branch(organization, intake_branch) -> Branch | None:
    if intake_branch is None:
        return Branch.objects.filter(organization=organization).order_by("id").first()
    if intake_branch.organization_id != organization.pk:
        raise ValidationError({"intake_branch": [NOT_IN_SCOPE.format(pk=intake_branch.pk)]})
    return intake_branch


def _check_daily_limit(daily_limit) -> None:
    if daily_limit is not None and not (1 <= daily_limit <= MAX_DAILY_LIMIT):
        raise ValidationError({"daily_limit": [f"Ensure this value is between 1 and {MAX_DAILY_LIMIT}."]})


def _save(channel: Channel, clash_field: str) -> Channel:
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError as exc:
        raise ValidationError({clash_field: ["This number is already connected to an organization."]}) from exc
    return channel


def _required(**values) -> None:
    missing = {name: ["This field is required."] for name, value in values.items() if not (value or "").strip()}
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def channel_connect_whatsapp(
    *,
    organization,
    phone_number_id: str,
    access_token: str,
    business_account_id: str = "",
    display_phone_number: str = "",
    intake_branch=None,
    daily_limit: int | None = None,
    actor=None,
) -> Channel:
    """Connect (or re-connect, replacing its token) the organization's WhatsApp Business number.

    One active WhatsApp channel per organization: connecting again updates it. A phone number id
    another organization holds is a 400 (webhooks must find exactly one organization). The access
    token is stored encrypted and never shown back.
    """
    _check_admin(actor, organization, field="organization")
    _required(phone_number_id=phone_number_id, access_token=access_token)
    _check_daily_limit(daily_limit)
    channel = (
        Channel.objects.select_for_update().filter(organization=organization, kind=ChannelKind.WHATSAPP, active=True).first()
        or Channel(organization=organization, kind=ChannelKind.WHATSAPP)
    )
    channel.phone_number_id = phone_number_id.strip()
    channel.business_account_id = (business_account_id or "").strip()
    channel.display_phone_number = _phone(display_phone_number, "display_phone_number") if display_phone_number else channel.display_phone_number
    channel.secret = access_token.strip()
    channel.intake_branch = _intake_branch(organization, intake_branch) if (intake_branch or not channel.intake_branch_id) else channel.intake_branch
    if daily_limit is not None:
        channel.daily_limit = daily_limit
    channel.active = True
    return _save(channel, "phone_number_id")


@transaction.atomic
def channel_connect_twilio(
    *,
    organization,
    account_sid: str,
    auth_token: str,
    from_number: str = "",
    messaging_service_sid: str = "",
    intake_branch=None,
    daily_limit: int | None = None,
    actor=None,
) -> Channel:
    """Connect (or re-connect) the organization's Twilio SMS sender: a number (`from_number`, E.164) or a messaging service."""
    _check_admin(actor, organization, field="organization")
    _required(account_sid=account_sid, auth_token=auth_token)
    if not (from_number or "").strip() and not (messaging_service_sid or "").strip():
        raise ValidationError({"from_number": ["Give the sending number (or a messaging service SID)."]})
    _check_daily_limit(daily_limit)
    channel = (
        Channel.objects.select_for_update().filter(organization=organization, kind=ChannelKind.SMS, active=True).first()
        or Channel(organization=organization, kind=ChannelKind.SMS)
    )
    channel.account_sid = account_sid.strip()
    channel.from_number = _phone(from_number, "from_number") if (from_number or "").strip() else ""
    channel.display_phone_number = channel.from_number
    channel.messaging_service_sid = (messaging_service_sid or "").strip()
    channel.secret = auth_token.strip()
    channel.intake_branch = _intake_branch(organization, intake_branch) if (intake_branch or not channel.intake_branch_id) else channel.intake_branch
    if daily_limit is not None:
        channel.daily_limit = daily_limit
    channel.active = True
    return _save(channel, "from_number")


@transaction.atomic
def channel_update(*, channel: Channel, actor=None, secret: str | None = None, **fields) -> Channel:
    """Change a channel's intake branch, daily limit, active flag or secret (the number stays: connect anew for another)."""
    _check_admin(actor, channel.organization)
    if "daily_limit" in fields:
        _check_daily_limit(fields["daily_limit"])
        channel.daily_limit = fields["daily_limit"]
    if "intake_branch" in fields:
        channel.intake_branch = _intake_branch(channel.organization, fields["intake_branch"])
    if "active" in fields:
        channel.active = bool(fields["active"])
    if secret:
        channel.secret = secret.strip()
    if "active" in fields and channel.active:
        return _save(channel, "active")
    channel.save()
    return channel


def sending_channel(*, organization_id: int, kind: str | None = None) -> Channel | None:
    """The organization's active channel of `kind` (None: WhatsApp if connected, else SMS), or None."""
    channels = Channel.objects.active().filter(organization_id=organization_id)
    if kind:
        return channels.filter(kind=kind).first()
    by_kind = {channel.kind: channel for channel in channels}
    return by_kind.get(ChannelKind.WHATSAPP) or by_kind.get(ChannelKind.SMS)


def log_provider_allowed() -> bool:
    return bool(settings.MESSAGING_LOG_PROVIDER)


def provider_for(channel: Channel | None, kind: str) -> Provider:
    """The client that sends through `channel` (its secret decrypted here, only here); the log provider without one."""
    if channel is None:
        return LogProvider(kind=kind)
    if channel.kind == ChannelKind.WHATSAPP:
        return WhatsAppCloudProvider(phone_number_id=channel.phone_number_id, access_token=reveal(channel.secret))
    return TwilioProvider(
        account_sid=channel.account_sid,
        auth_token=reveal(channel.secret),
        from_number=channel.from_number,
        messaging_service_sid=channel.messaging_service_sid,
    )
