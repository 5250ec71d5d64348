"""Input and output serializers of the bookings API, one pair per operation."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.models import Booking, BookingStatus
from common.api.fields import (
    AmountField,
    CNICField,
    ContactNumberField,
    PassportField,
    ScopedPrimaryKeyRelatedField,
    StrictCharField,
)
from common.api.fields import ChoiceField
from organizations.models import Branch

AMOUNT_KWARGS = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


# What the field accepts, as the schema: drf-spectacular's default pattern allows a sign (and an
# empty string), which the minimum then refuses, so generated clients would send refused amounts.
@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^\d{1,10}(?:\.\d{1,2})?$", "example": "350000.00"}
)
class BookingAmountField(AmountField):
    """A non-negative amount with at most 10 digits before the point and 2 after, as a decimal string."""

    def __init__(self, **kwargs):
        super().__init__(**AMOUNT_KWARGS, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1})
class BranchIdField(ScopedPrimaryKeyRelatedField):
    """A branch id within the caller's scope, documented as an integer (the scoped field has no model to read)."""

    def __init__(self, **kwargs):
        super().__init__(model=Branch, **kwargs)


class BookingCreateInputSerializer(serializers.Serializer):
    """A new booking; identity data is normalised, the branch must be one the caller may act on.

    Parsing only: the amount rules (paid never above total) are `booking_create`'s."""

    branch = BranchIdField(help_text="Id of one of the caller's branches.")
    customer_name = StrictCharField(max_length=200)
    passport_number = PassportField(required=False, allow_blank=True, default="")
    contact_number = ContactNumberField()
    cnic = CNICField(required=False, allow_blank=True, default="")
    total_amount = BookingAmountField()
    paid_amount = BookingAmountField(required=False, default=Decimal("0"))
    status = ChoiceField(choices=BookingStatus.choices, required=False, default=BookingStatus.PENDING)


class BookingOutputSerializer(serializers.ModelSerializer):
    lead = serializers.IntegerField(
        source="lead_id",
        read_only=True,
        allow_null=True,
        help_text=(
            "Id of the customer's lead: the lead linked to this booking (done automatically once the booking "
            "is saved), else the organization's lead with its passport number (a returning customer's lead "
            "links their latest booking), else null; null too when that lead is in a branch you cannot open."
        ),
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "reference",
            "customer_name",
            "passport_number",
            "contact_number",
            "cnic",
            "branch",
            "organization",
            "total_amount",
            "paid_amount",
            "status",
            "lead",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields
