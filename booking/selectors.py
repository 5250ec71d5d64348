"""Reads of bookings shared by views, commands and tests."""

from django.db.models import OuterRef, QuerySet, Subquery

from booking.models import Booking
from leads.models import Lead


def bookings_visible_to(*, user) -> QuerySet[Booking]:
    """Bookings of the branches `user` may act on, each annotated with `lead_id` (its linked lead, or None)."""
    linked_lead = Lead.objects.filter(booking_id=OuterRef("pk")).order_by("id").values("id")[:1]
    return Booking.objects.visible_to(user).annotate(lead_id=Subquery(linked_lead))
