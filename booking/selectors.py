"""Reads of bookings shared by views, commands and tests."""

from django.db.models import QuerySet

from booking.models import Booking


def _customer_leads_visible_to(user) -> QuerySet:
    """Leads `user` may open, reached through the reverse relation leads declared on `Booking` (`leads`):
    the leads app sits above booking, which never imports it."""
    return Booking.leads.field.model.objects.visible_to(user)


def bookings_visible_to(*, user) -> QuerySet[Booking]:
    """Bookings of the branches `user` may act on, each annotated with `lead_id`: its customer's lead.

    Which lead that is, is the leads' own rule (`LeadQuerySet.customer_lead_id_of_booking`), applied to
    the leads `user` may open: a lead outside the caller's scope shows as None, never as an id. The branch
    is joined in, as the list endpoint has always read it.
    """
    lead_id = _customer_leads_visible_to(user).customer_lead_id_of_booking()
    return Booking.objects.visible_to(user).annotate(lead_id=lead_id).select_related("branch")
