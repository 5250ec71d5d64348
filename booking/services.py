"""Writes to bookings."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from booking.models import Booking, BookingStatus
from common.identity import normalize_identity_fields


@transaction.atomic
def booking_create(
    *,
    branch,
    customer_name: str,
    contact_number: str,
    total_amount: Decimal,
    paid_amount: Decimal = Decimal("0"),
    passport_number: str = "",
    cnic: str = "",
    status: str = BookingStatus.PENDING,
    created_by=None,
) -> Booking:
    """Create a booking in `branch` (its organization follows the branch) with normalised identity data."""
    if total_amount < 0:
        raise ValidationError({"total_amount": ["Ensure this value is greater than or equal to 0."]})
    if paid_amount < 0:
        raise ValidationError({"paid_amount": ["Ensure this value is greater than or equal to 0."]})
    if paid_amount > total_amount:
        raise ValidationError({"paid_amount": ["The paid amount cannot exceed the total amount."]})
    booking = Booking(
        branch=branch,
        customer_name=customer_name,
        contact_number=contact_number,
        passport_number=passport_number,
        cnic=cnic,
        total_amount=total_amount,
        paid_amount=paid_amount,
        status=status,
        created_by=created_by,
    )
    normalize_identity_fields(booking)
    booking.save()
    return booking
