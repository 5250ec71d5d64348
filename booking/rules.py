"""Money rules the booking and loan-book services share, written once at the lowest floor that needs them.

Each raises Django's `ValidationError` naming the field: a 400 in the API, a field error in the admin,
a failed row in an import.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

POSITIVE_AMOUNT_MESSAGE = "Ensure this value is greater than 0."


def check_positive_amount(amount: Decimal | None, *, field: str = "amount") -> None:
    """A payment, a promise or a change of one moves money: its amount is given and greater than 0."""
    if amount is None or amount <= 0:
        raise ValidationError({field: [POSITIVE_AMOUNT_MESSAGE]})
