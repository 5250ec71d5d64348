"""The outbox: a message is written in its cause's transaction, then claimed and sent by one worker.

Delivery is at most once to the customer:
- `message_queue` writes the `queued` row in the caller's transaction and, on commit, hands its id to
  Celery (`messaging.tasks.deliver_messages`; in-process after the commit when no broker is configured).
- `message_deliver` claims the row with one conditional UPDATE (`claimed_at` from NULL, still
  `queued`, due): only the claimant calls the provider. The provider's id and `sent` are recorded
  once, by the claimant.
- A provider 5xx, timeout, 429 or WhatsApp 130429/131056 releases the claim with a later
  `next_attempt_at` (exponential back-off with jitter); past `MESSAGING_MAX_ATTEMPTS`, or on a
  permanent refusal (WhatsApp 131047 outside the window, Twilio 21610 unsubscribed: the lead is
  then opted out too), the row is `failed` with the provider's reason.
- A worker killed after claiming leaves a claimed `queued` row. It is never resent blindly: the
  sweep (`send_queued_messages`) fails it as "delivery unknown" once the claim is older than
  `MESSAGING_STALE_CLAIM_MINUTES`. The customer may have got it or not; a duplicate reminder is the
  worse failure (and a payment receipt sent twice confuses the customer), so the outbox prefers at most once.
"""

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Max, Q, Value, When
from django.utils import timezone

from common.errors import StateConflict
from leads.models import ConsentVia, Lead, MessagingConsent
from messaging.encryption import SecretUnreadable
from messaging.models import (
    Channel,
    ChannelKind,
    Message,
    MessageDirection,
    MessageStatus,
    MessageTemplate,
)
from messaging.providers.base import OutgoingMessage, ProviderError
from messaging.quiet_hours import is_quiet, quiet_until
from messaging.services.channels import log_provider_allowed, provider_for, sending_channel
from messaging.services.consent import consent_opt_out_unscoped
from messaging.services.templates import template_render

logger = logging.getLogger("messaging.outbox")

WHATSAPP_WINDOW = timedelta(hours=24)
MAX_BODY_CHARS = 4096
MAX_BACKOFF_SECONDS = 3600
STALE_CLAIM_REASON = "Delivery unknown: the worker stopped after claiming the message; not resent (at most once)."
NOT_OPTED_IN = "The customer has not opted in to messages (messaging_consent is {consent}); record their consent first."
OUTSIDE_WINDOW = (
    "Free text on WhatsApp only within 24 hours of the customer's last message (the 24-hour window); "
    "send a template instead."
)


def check_consent(lead: Lead) -> None:
    """Nothing is ever sent to a customer who has not opted in: a 409 naming `messaging_consent`."""
    if lead.messaging_consent != MessagingConsent.OPTED_IN:
        raise StateConflict(NOT_OPTED_IN.format(consent=lead.messaging_consent))


def whatsapp_window_open(*, lead_id: int, now: datetime | None = None) -> bool:
    """True within 24 hours of the customer's last inbound WhatsApp message."""
    since = (now or timezone.now()) - WHATSAPP_WINDOW
    return Message.objects.filter(
        lead_id=lead_id, direction=MessageDirection.IN, channel=ChannelKind.WHATSAPP, created_at__gte=since
    ).exists()


def whatsapp_window_ends_at(*, lead_id: int) -> datetime | None:
    last = Message.objects.filter(
        lead_id=lead_id, direction=MessageDirection.IN, channel=ChannelKind.WHATSAPP
    ).aggregate(last=Max("created_at"))["last"]
    return last + WHATSAPP_WINDOW if last else None


def resolve_channel(*, organization_id: int, kind: str | None) -> tuple[str, Channel | None]:
    """(kind, connected channel or None for the log provider); a 409 when nothing can send it."""
    channel = sending_channel(organization_id=organization_id, kind=kind)
    if channel is not None:
        return channel.kind, channel
    if log_provider_allowed():
        return kind or ChannelKind.WHATSAPP, None
    label = ChannelKind(kind).label if kind else "messaging"
    raise StateConflict(f"No {label} channel is connected for this organization.")


def template_for(*, organization_id: int, code: str, kind: str, language: str) -> MessageTemplate:
    """The organization's template `code` for the channel, in `language` (English when that one is missing)."""
    templates = {
        template.language: template
        for template in MessageTemplate.objects.filter(organization_id=organization_id, code=code, channel=kind)
    }
    template = templates.get(language) or templates.get("en")
    if template is None:
        raise ValidationError({"template": [f"Unknown template {code!r} for {kind} in this organization."]})
    return template


@transaction.atomic
def message_queue(
    *,
    lead: Lead,
    channel: str | None = None,
    template: str | None = None,
    params: list[str] | None = None,
    body: str | None = None,
    actor=None,
    dedupe_key: str | None = None,
    respect_quiet_hours: bool = False,
) -> Message:
    """Queue one message to `lead`: a template (`template` code with `params`) or free text (`body`).

    Refused with a 409 when the customer has not opted in, when free text on WhatsApp falls outside
    the 24-hour window, or when no channel can send it. Written in the caller's transaction; sent
    after it commits. With `dedupe_key`, queueing the same cause again returns the first message.
    """
    check_consent(lead)
    if bool(template) == bool(body):
        raise ValidationError({"non_field_errors": ["Send either a template (with its params) or a free-text body."]})
    if channel is not None and channel not in ChannelKind.values:
        raise ValidationError({"channel": [f'"{channel}" is not a valid choice.']})
    kind, account = resolve_channel(organization_id=lead.organization_id, kind=channel)
    now = timezone.now()
    params = [str(value) for value in (params or [])]
    language = lead.language
    if template:
        found = template_for(organization_id=lead.organization_id, code=template, kind=kind, language=lead.language)
        text = template_render(found.body, params)
        language = found.language
    else:
        text = body.strip()
        if not text:
            raise ValidationError({"body": ["This field may not be blank."]})
        if len(text) > MAX_BODY_CHARS:
            raise ValidationError({"body": [f"Ensure this field has no more than {MAX_BODY_CHARS} characters."]})
        if kind == ChannelKind.WHATSAPP and not whatsapp_window_open(lead_id=lead.pk, now=now):
            raise StateConflict(OUTSIDE_WINDOW)
    message = Message(
        organization_id=lead.organization_id,
        lead=lead,
        direction=MessageDirection.OUT,
        channel=kind,
        channel_account=account,
        template=template or None,
        language=language,
        body=text,
        params=params,
        to_number=lead.contact_number,
        from_number=(account.display_phone_number or account.from_number) if account else "",
        status=MessageStatus.QUEUED,
        dedupe_key=dedupe_key,
        respect_quiet_hours=respect_quiet_hours,
        next_attempt_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            existing = Message.objects.filter(dedupe_key=dedupe_key).first()
            if existing is None:
                raise
            return existing
    else:
        message.save()
    enqueue_on_commit([message.pk])
    return message


# --- Handing ids to the workers -------------------------------------------------------------------

DELIVERY_CHUNK = 50
# A broker that does not answer is retried briefly; then the sweep takes over (the rows stay queued).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def enqueue_on_commit(message_ids: list[int]) -> None:
    """After the current transaction commits, hand these messages to the delivery task."""
    if message_ids:
        ids = list(message_ids)
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(message_ids: list[int], *, countdown: float | None = None) -> None:
    """Hand ids to `deliver_messages` in chunks. A broker that does not answer loses nothing: the sweep sends them.

    Without a broker (eager Celery) a delayed hand-off is left to the sweep instead: eager tasks ignore
    `countdown` and would run at once, again and again.
    """
    from messaging.tasks import deliver_messages

    eager = deliver_messages.app.conf.task_always_eager  # the Celery app's own setting (CELERY_TASK_ALWAYS_EAGER)
    if eager and countdown:
        return
    for start in range(0, len(message_ids), DELIVERY_CHUNK):
        chunk = message_ids[start:start + DELIVERY_CHUNK]
        if eager:
            deliver_messages.apply((chunk,))  # in-process, after the commit that queued them
            continue
        try:
            deliver_messages.apply_async(
                (chunk,), countdown=countdown or None, retry=True, retry_policy=PUBLISH_RETRY_POLICY
            )
        except Exception:  # the broker is down: the rows stay queued for `send_queued_messages`
            logger.warning("Could not hand %d message(s) to the queue; the sweep will send them.", len(chunk), exc_info=True)
            return


# --- Delivery ----------------------------------------------------------------------------------------


def _business_day_start_after(now: datetime) -> datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()), timezone.get_current_timezone())


def _defer(message_id: int, until: datetime, reason: str = "") -> datetime:
    Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
        next_attempt_at=until, claimed_at=None, **({"error": reason} if reason else {})
    )
    return until


def _claim(message: Message, now: datetime) -> datetime | bool:
    """Claim `message` for this worker: True when won, False when another took it, or a time to retry at.

    In one transaction: the customer's lead row is locked (claims for one customer take turns), the
    message is claimed by a conditional UPDATE, and the per-customer gap is judged; then the channel's
    daily count is taken by one conditional UPDATE. A hold gives the claim back with a later `next_attempt_at`.
    """
    with transaction.atomic():
        Lead.objects.unscoped().select_for_update().filter(pk=message.lead_id).values_list("pk").first()
        won = Message.objects.filter(
            pk=message.pk, status=MessageStatus.QUEUED, claimed_at__isnull=True, next_attempt_at__lte=now
        ).update(claimed_at=now, attempts=F("attempts") + 1)
        if not won:
            return False
        gap = timedelta(seconds=settings.MESSAGING_CUSTOMER_GAP_SECONDS)
        last = (
            Message.objects.filter(lead_id=message.lead_id, direction=MessageDirection.OUT, claimed_at__gt=now - gap)
            .exclude(pk=message.pk)
            .aggregate(last=Max("claimed_at"))["last"]
        )
        if last is not None:
            Message.objects.filter(pk=message.pk).update(attempts=F("attempts") - 1)
            return _defer(message.pk, last + gap)
    # The channel's daily count, in one statement of its own (autocommit): every claim of an organization
    # passes through its channel's row, so its lock is held for this statement only, not a transaction.
    if message.channel_account_id is not None:
        today = timezone.localdate(now)
        counted = Channel.objects.filter(
            Q(day_counted__isnull=True) | ~Q(day_counted=today) | Q(day_count__lt=F("daily_limit")),
            pk=message.channel_account_id,
        ).update(
            day_count=Case(When(day_counted=today, then=F("day_count") + 1), default=Value(1), output_field=IntegerField()),
            day_counted=today,
        )
        if not counted:  # give the claim back: the message waits for the next business day
            Message.objects.filter(pk=message.pk, claimed_at=now).update(attempts=F("attempts") - 1)
            return _defer(message.pk, _business_day_start_after(now), "Waiting for tomorrow: the channel's daily limit is reached.")
    return True


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential back-off from MESSAGING_RETRY_BASE_SECONDS, ±20 % jitter, at most an hour, never below Retry-After."""
    delay = min(MAX_BACKOFF_SECONDS, settings.MESSAGING_RETRY_BASE_SECONDS * (2 ** max(0, attempts - 1)))
    delay *= random.uniform(0.8, 1.2)
    return max(delay, retry_after or 0)


def _fail(message: Message, claimed_at: datetime, reason: str, now: datetime) -> None:
    Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED, claimed_at=claimed_at).update(
        status=MessageStatus.FAILED, error=reason[:1000], failed_at=now
    )


def message_deliver(*, message_id: int, lookups: dict | None = None) -> str:
    """Send one queued message if it is due and this worker wins its claim; returns what happened.

    `sent`, `failed`, `retry` (a later attempt is scheduled), `held` (quiet hours, the per-customer
    gap, the daily limit), or `skipped` (not queued, not due, or claimed by another worker).
    """
    now = timezone.now()
    message = Message.objects.select_related("lead").filter(pk=message_id).first()
    if message is None or message.status != MessageStatus.QUEUED or message.claimed_at is not None:
        return "skipped"
    if message.next_attempt_at > now:
        enqueue([message.pk], countdown=(message.next_attempt_at - now).total_seconds())
        return "skipped"
    if message.lead.messaging_consent != MessagingConsent.OPTED_IN:
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED, claimed_at__isnull=True).update(
            status=MessageStatus.FAILED, error="Not sent: the customer is no longer opted in.", failed_at=now
        )
        return "failed"
    if message.respect_quiet_hours and is_quiet(now):
        until = _defer(message.pk, quiet_until(now))
        enqueue([message.pk], countdown=(until - now).total_seconds())
        return "held"
    claim = _claim(message, now)
    if claim is False:
        return "skipped"
    if claim is not True:
        enqueue([message.pk], countdown=(claim - now).total_seconds())
        return "held"
    attempts = message.attempts + 1
    try:
        # A task delivers a chunk of messages, mostly through one channel with a few templates: looked up once.
        lookups = {} if lookups is None else lookups
        channel_key = ("channel", message.channel_account_id, message.channel)
        if channel_key not in lookups:
            account = Channel.objects.filter(pk=message.channel_account_id).first() if message.channel_account_id else None
            if message.channel_account_id and (account is None or not account.active):
                raise ProviderError("The channel this message was queued on is disconnected.", code="disconnected")
            lookups[channel_key] = provider_for(account, message.channel)
        provider = lookups[channel_key]
        template_key = ("template", message.organization_id, message.template, message.channel, message.language)
        if message.template and template_key not in lookups:
            lookups[template_key] = MessageTemplate.objects.filter(
                organization_id=message.organization_id, code=message.template, channel=message.channel,
                language=message.language,
            ).first()
        template = lookups.get(template_key) if message.template else None
        outgoing = OutgoingMessage(
            message_id=message.pk,
            to=message.to_number,
            body=message.body,
            template_name=template.provider_name if template and message.channel == ChannelKind.WHATSAPP else "",
            template_language=(template.provider_language or template.language) if template else "",
            params=list(message.params or []),
        )
        provider_id = provider.send(outgoing)
    except ProviderError as exc:
        return _after_provider_error(message, now, attempts, exc)
    except SecretUnreadable as exc:
        logger.error("Message #%s not sent: %s", message.pk, exc)
        _fail(message, now, str(exc), timezone.now())
        return "failed"
    except Exception:
        # A bug, not the provider: fail the row (never resend blindly) and let the task log the traceback.
        _fail(message, now, "Not sent: an internal error (see the worker's log).", timezone.now())
        raise
    sent_at = timezone.now()
    try:
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED, claimed_at=now).update(
            status=MessageStatus.SENT, provider_message_id=provider_id, sent_at=sent_at, error=""
        )
    except IntegrityError:
        logger.error("Message #%s: the provider answered an id already recorded for another message.", message.pk)
        _fail(message, now, "Sent, but the provider's id repeats another message's.", sent_at)
    return "sent"


def _after_provider_error(message: Message, claimed_at: datetime, attempts: int, exc: ProviderError) -> str:
    now = timezone.now()
    if exc.opt_out:
        consent_opt_out_unscoped(lead_id=message.lead_id, via=ConsentVia.INBOUND_MESSAGE)
    if exc.retryable and attempts < settings.MESSAGING_MAX_ATTEMPTS:
        delay = backoff_seconds(attempts, exc.retry_after)
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED, claimed_at=claimed_at).update(
            claimed_at=None, next_attempt_at=now + timedelta(seconds=delay), error=exc.reason[:1000]
        )
        logger.info("Message #%s: %s; retry %d in %.0f s.", message.pk, exc.reason, attempts, delay)
        enqueue([message.pk], countdown=delay)
        return "retry"
    reason = exc.reason if not exc.retryable else f"Gave up after {attempts} attempts: {exc.reason}"
    _fail(message, claimed_at, reason, now)
    logger.warning("Message #%s failed: %s", message.pk, reason)
    return "failed"


# --- The sweep -----------------------------------------------------------------------------------------


def messages_fail_stale_claims(*, now: datetime | None = None) -> int:
    """Claimed but never finished (the worker died mid-send): failed as "delivery unknown", never resent."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.MESSAGING_STALE_CLAIM_MINUTES)
    return Message.objects.filter(status=MessageStatus.QUEUED, claimed_at__lt=cutoff).update(
        status=MessageStatus.FAILED, error=STALE_CLAIM_REASON, failed_at=now
    )


def messages_due_ids(*, now: datetime | None = None, limit: int = 10_000) -> list[int]:
    """Queued, unclaimed messages whose time has come (new ones a lost hand-off left, and due retries)."""
    now = now or timezone.now()
    return list(
        Message.objects.filter(status=MessageStatus.QUEUED, claimed_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
