"""Writes to bookings."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking.models import Booking, BookingStatus
from booking.rules import check_positive_amount
from common.identity import normalize_identity_fields
from organizations.scoping import check_branch_in_scope


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
    actor=None,
) -> Booking:
    """Create a booking in `branch` (its organization follows the branch) with normalised identity data.

    The branch must be one `actor` reaches (a 400 on `branch`; `actor=None` is a system job). Amounts are
    never negative and the paid amount never exceeds the total (a 400 on the field): every door (API,
    admin) relies on this service for it, and the database's constraints back it.
    """
    check_branch_in_scope(actor=actor, branch=branch)
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
        created_by=actor,
    )
    normalize_identity_fields(booking)
    booking.save()
    return booking


def booking_add_payment(*, booking_id: int, amount: Decimal) -> None:
    """Raise the booking's `paid_amount` by `amount`, never past its total (400 on `amount` otherwise).

    One conditional UPDATE: two concurrent payments cannot both pass the check, and the database
    constraint `booking_paid_not_above_total` backs it.
    """
    check_positive_amount(amount)
    updated = Booking.objects.filter(pk=booking_id, paid_amount__lte=F("total_amount") - amount).update(
        paid_amount=F("paid_amount") + amount, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"amount": ["The payment would take the booking's paid amount above its total."]})
