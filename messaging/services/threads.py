"""A lead's thread: what staff send from the desk, and threads that follow merged leads."""

from django.db import transaction

from common.errors import OutOfScope
from leads.models import Lead
from messaging.models import Message
from messaging.services.outbox import message_queue


@transaction.atomic
def message_send(
    *,
    lead: Lead,
    actor,
    channel: str | None = None,
    template: str | None = None,
    params: list[str] | None = None,
    body: str | None = None,
) -> Message:
    """A staff member sends a template or (inside WhatsApp's 24-hour window, or by SMS) free text to a lead.

    The lead must be in the actor's scope (else 404). Not held by the quiet hours: staff send while
    they are talking to the customer; reminders, which nobody presses, wait them out.
    """
    if actor is not None and not Lead.objects.visible_to(actor).filter(pk=lead.pk).exists():
        raise OutOfScope()
    return message_queue(lead=lead, channel=channel, template=template, params=params, body=body, actor=actor)


def messages_move_to_lead(*, from_lead_ids: list[int], into: Lead) -> int:
    """Move the messages of `from_lead_ids` to `into`'s thread (a merge); returns how many moved."""
    return Message.objects.filter(lead_id__in=from_lead_ids).update(lead=into, organization_id=into.organization_id)
