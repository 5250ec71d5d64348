from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

BOOKING_LEAD_DISPATCH_UID = "leads.auto_create_lead_from_booking"
ORGANIZATION_LOST_REASONS_DISPATCH_UID = "leads.seed_lost_reasons_of_new_organization"


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from leads import signals

        post_save.connect(
            signals.auto_create_lead_from_booking,
            sender="booking.Booking",
            dispatch_uid=BOOKING_LEAD_DISPATCH_UID,
        )
        post_save.connect(
            signals.seed_lost_reasons_of_new_organization,
            sender="organizations.Organization",
            dispatch_uid=ORGANIZATION_LOST_REASONS_DISPATCH_UID,
        )
