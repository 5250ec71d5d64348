import django_filters

from booking.models import Booking, BookingStatus
from common.api.filters import DateFilter, IdFilter


class BookingFilter(django_filters.FilterSet):
    branch_id = IdFilter(field_name="branch_id", help_text="Only bookings of this branch.")
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices)
    reference = django_filters.CharFilter(lookup_expr="iexact", help_text="Exact booking reference, e.g. BK-7QF3M9XK2D.")
    created_from = DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="Created on or after this day (YYYY-MM-DD)."
    )
    created_to = DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="Created on or before this day (YYYY-MM-DD)."
    )

    class Meta:
        model = Booking
        fields = ["branch_id", "status", "reference", "created_from", "created_to"]
