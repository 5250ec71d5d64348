"""Signal receivers of the leads app; each hands off to a service (registered in `LeadsConfig.ready`)."""

from leads.services import LeadService


def auto_create_lead_from_booking(sender, instance, created, raw=False, **kwargs):
    """A new booking (not a later save, not a fixture load) gets its lead after its transaction commits."""
    if created and not raw:
        LeadService.auto_create_from_booking_on_commit(instance)
