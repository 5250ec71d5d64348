"""Reads of the messaging app, each scoped by the caller."""

from django.db.models import QuerySet

from leads.models import Lead
from messaging.models import Channel, Message, MessageTemplate
from messaging.permissions import administered_organization_ids
from messaging.services.channels import log_provider_allowed
from messaging.services.outbox import whatsapp_window_ends_at
from organizations.models import Branch
from organizations.scoping import user_sees_everything, visible_branch_ids


def leads_visible(*, user) -> QuerySet[Lead]:
    return Lead.objects.visible_to(user)


def lead_thread(*, lead: Lead) -> QuerySet[Message]:
    """The lead's messages, newest first (the desk shows the latest page, oldest at the top)."""
    return Message.objects.filter(lead=lead).order_by("-created_at", "-id")


def member_organization_ids(user) -> list[int] | None:
    """The organizations whose branches `user` reaches; None: every one (staff)."""
    if user_sees_everything(user):
        return None
    return sorted(set(Branch.objects.filter(pk__in=visible_branch_ids(user)).values_list("organization_id", flat=True)))


def templates_visible(*, user) -> QuerySet[MessageTemplate]:
    """Templates of the organizations the user works in (the composer lists them)."""
    ids = member_organization_ids(user)
    templates = MessageTemplate.objects.all() if ids is None else MessageTemplate.objects.filter(organization_id__in=ids)
    return templates.order_by("organization_id", "code", "channel", "language")


def templates_administered(*, user) -> QuerySet[MessageTemplate]:
    ids = administered_organization_ids(user)
    return MessageTemplate.objects.all() if ids is None else MessageTemplate.objects.filter(organization_id__in=ids)


def channels_administered(*, user) -> QuerySet[Channel]:
    ids = administered_organization_ids(user)
    channels = Channel.objects.all() if ids is None else Channel.objects.filter(organization_id__in=ids)
    return channels.order_by("organization_id", "kind", "id")


def lead_messaging_status(*, lead: Lead) -> Lead:
    """The lead with what the composer needs: the WhatsApp window's end and the channels that can send."""
    # WhatsApp first: it is what reminders and receipts go through when the organization has it.
    connected = set(Channel.objects.active().filter(organization_id=lead.organization_id).values_list("kind", flat=True))
    if not connected and log_provider_allowed():
        connected = {"whatsapp", "sms"}
    kinds = [kind for kind in ("whatsapp", "sms") if kind in connected]
    lead.whatsapp_window_ends_at = whatsapp_window_ends_at(lead_id=lead.pk)
    lead.channels = kinds
    return lead
