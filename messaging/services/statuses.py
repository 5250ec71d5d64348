"""Delivery statuses from the providers' webhooks: a message's status only ever moves forward.

`queued` → `sent` → `delivered` → `read`, and `failed` from `queued` or `sent` only (a message the
customer got does not fail afterwards). Each callback is one conditional UPDATE whose WHERE lists the
statuses it may move from, so a repeated, late or concurrent callback matches no row and changes
nothing; PostgreSQL re-checks the WHERE after waiting for a row lock, so two callbacks racing can
never move a status back. A `read` that overtakes its `delivered` sets both times (a message read was
delivered; the delivered time is then the read time, the best we know); the late `delivered` then
changes nothing.

Rows are found by (channel, provider message id) and nothing else: a callback about one
organization's number never reaches another organization's messages, even when ids collide.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from messaging.models import Channel, Message, MessageDirection, MessageStatus

logger = logging.getLogger("messaging.webhooks")

# The statuses each callback may move a message from.
MOVES_FROM = {
    MessageStatus.SENT: (MessageStatus.QUEUED,),
    MessageStatus.DELIVERED: (MessageStatus.QUEUED, MessageStatus.SENT),
    MessageStatus.READ: (MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.DELIVERED),
    MessageStatus.FAILED: (MessageStatus.QUEUED, MessageStatus.SENT),
}
# A callback can overtake the outbox recording the provider's id (the provider answers, calls back, and
# our UPDATE commits a moment later): with a broker, an unknown id is tried again after these seconds.
UNKNOWN_ID_RETRY_SECONDS = (5, 30, 120)


@dataclass(frozen=True)
class StatusUpdate:
    """One provider callback about one outgoing message."""

    provider_message_id: str
    status: str  # sent, delivered, read or failed (MessageStatus)
    at: datetime
    error: str = ""


def message_status_apply(*, channel: Channel, update: StatusUpdate) -> str:
    """Move the channel's message `update.provider_message_id` forward to `update.status`.

    Returns `updated`, `unchanged` (repeated, late or backwards: nothing written) or `unknown`
    (no such message on this channel; retried later when a broker runs the tasks).
    """
    moves_from = MOVES_FROM.get(update.status)
    if moves_from is None or not update.provider_message_id:
        return "unchanged"
    at = Value(update.at, output_field=DateTimeField())
    fields = {"status": update.status, "updated_at": timezone.now()}
    if update.status == MessageStatus.SENT:
        fields["sent_at"] = Coalesce(F("sent_at"), at)
    elif update.status == MessageStatus.DELIVERED:
        fields["delivered_at"] = at
    elif update.status == MessageStatus.READ:
        fields["read_at"] = at
        fields["delivered_at"] = Coalesce(F("delivered_at"), at)
    else:
        fields["failed_at"] = at
        fields["error"] = (update.error or "The provider reported the message failed.")[:1000]
    rows = Message.objects.filter(
        channel_account=channel,
        organization_id=channel.organization_id,
        provider_message_id=update.provider_message_id,
        direction=MessageDirection.OUT,
    )
    if rows.filter(status__in=moves_from).update(**fields):
        return "updated"
    if rows.exists():
        return "unchanged"
    return "unknown"


def message_status_apply_or_retry(*, channel: Channel, update: StatusUpdate, attempt: int = 0) -> str:
    """`message_status_apply`; an unknown id is handed to `messaging.apply_status_later` (when a broker runs it)."""
    outcome = message_status_apply(channel=channel, update=update)
    if outcome != "unknown":
        return outcome
    if attempt < len(UNKNOWN_ID_RETRY_SECONDS) and not settings.CELERY_TASK_ALWAYS_EAGER:
        from messaging.tasks import apply_status_later

        try:
            apply_status_later.apply_async(
                (channel.pk, update.provider_message_id, update.status, update.at.isoformat(), update.error, attempt + 1),
                countdown=UNKNOWN_ID_RETRY_SECONDS[attempt],
            )
        except Exception:  # the broker is down: this callback is lost, as it would be without the retry
            logger.warning("Could not schedule another look for status %s of %s.", update.status,
                           update.provider_message_id, exc_info=True)
        return outcome
    logger.info(
        "Status %s for a message channel %s does not know (%s); dropped.",
        update.status, channel.pk, update.provider_message_id,
        extra={"event": "messaging.status_unknown", "channel_id": channel.pk},
    )
    return outcome
