"""Signal receivers of the messaging app; each a hand-off to a service (registered in `MessagingConfig.ready`)."""

from messaging.services.templates import message_templates_seed


def seed_templates_of_new_organization(sender, instance, created, raw=False, **kwargs):
    """A new organization starts with the seeded templates, in the same transaction (as its lost reasons)."""
    if created and not raw:
        message_templates_seed(organization=instance)


def queue_payment_received(sender, payment, actor=None, **kwargs):
    """A payment was recorded (inside its transaction): tell the customer (`payment_received`)."""
    from messaging.services.receipts import payment_received_queue

    payment_received_queue(payment=payment, actor=actor)


def move_threads_of_merged_leads(sender, into, merged_ids, **kwargs):
    """Leads merged: their messages join the kept lead's thread before the merged leads are deleted."""
    from messaging.services.threads import messages_move_to_lead

    messages_move_to_lead(from_lead_ids=merged_ids, into=into)


def connect_leads_signals() -> None:
    from leads.events import leads_merging, payment_recorded

    payment_recorded.connect(queue_payment_received, dispatch_uid="messaging.payment_received")
    leads_merging.connect(move_threads_of_merged_leads, dispatch_uid="messaging.leads_merging")
