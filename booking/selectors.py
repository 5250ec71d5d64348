"""Reads of bookings shared by views, commands and tests."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from booking.models import Booking
from leads.models import Lead


def bookings_visible_to(*, user) -> QuerySet[Booking]:
    """Bookings of the branches `user` may act on, each annotated with `lead_id`: its customer's lead.

    That is the lead linking the booking, else the organization's lead holding its passport (a
    returning customer's lead links their latest booking, and their earlier bookings still show it),
    else None.
    """
    linked = Lead.objects.filter(booking_id=OuterRef("pk")).order_by("id").values("id")[:1]
    same_passport = (
        Lead.objects.filter(organization_id=OuterRef("organization_id"), passport_number=OuterRef("passport_number"))
        .exclude(passport_number="")
        .values("id")[:1]
    )
    return Booking.objects.visible_to(user).annotate(lead_id=Coalesce(Subquery(linked), Subquery(same_passport)))
