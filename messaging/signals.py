"""Signal receivers of the messaging app; each a hand-off to a service (registered in `MessagingConfig.ready`)."""

from messaging.services.templates import message_templates_seed


def seed_templates_of_new_organization(sender, instance, created, raw=False, **kwargs):
    """A new organization starts with the seeded templates, in the same transaction (as its lost reasons)."""
    if created and not raw:
        message_templates_seed(organization=instance)


def connect_leads_signals() -> None:
    """Listen to what the leads app announces (a payment recorded, leads merged); filled in below."""
