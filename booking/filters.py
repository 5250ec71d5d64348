import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from booking.models import Booking, BookingStatus


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A whole-number id; anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Beyond a bigint the database driver itself fails (a 500), so the form refuses it first.
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class BookingFilter(django_filters.FilterSet):
    branch_id = IdFilter(field_name="branch_id", help_text="Only bookings of this branch.")
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices)
    reference = django_filters.CharFilter(lookup_expr="iexact", help_text="Exact booking reference, e.g. BK-7QF3M9XK2D.")
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="Created on or after this day (YYYY-MM-DD)."
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="Created on or before this day (YYYY-MM-DD)."
    )

    class Meta:
        model = Booking
        fields = ["branch_id", "status", "reference", "created_from", "created_to"]
