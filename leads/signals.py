"""Signal receivers of the leads app; each hands off to a service (registered in `LeadsConfig.ready`)."""

from leads.services import LeadService, lost_reasons_seed


def auto_create_lead_from_booking(sender, instance, created, raw=False, **kwargs):
    """A new booking (not a later save, not a fixture load) gets its lead after its transaction commits."""
    if created and not raw:
        LeadService.auto_create_from_booking_on_commit(instance)


def seed_lost_reasons_of_new_organization(sender, instance, created, raw=False, **kwargs):
    """A new organization starts with the seeded lost-reason catalogue, in the same transaction.

    Not deferred to on_commit: the catalogue is data the organization's leads need (a lead can be
    marked lost in the very transaction that created its organization), not a side effect.
    """
    if created and not raw:
        lost_reasons_seed(organization=instance)
