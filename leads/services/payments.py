"""Loan payments: money received against a commitment, and the commitment's balance kept right under concurrency."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking.rules import check_positive_amount
from booking.services import booking_add_payment
from common.errors import StateConflict
from leads.events import payment_recorded
from leads.models import LoanCommitment, LoanPayment, LoanStatus, PaymentMethod
from leads.receipts import receipt_number_allocate
from leads.services.attribution import attribute_history
from leads.services.loans import refresh_next_promise_date
from leads.services.rules import lock_commitment

PAYMENT_CHANGE_REASON = "payment"


def loan_payment_check_input(*, amount: Decimal, paid_at: datetime, method: str) -> None:
    """The rules on a payment's own fields: a positive amount, not dated in the future, a known method."""
    if paid_at > timezone.now():
        raise ValidationError({"paid_at": ["A payment cannot be dated in the future."]})
    if method not in PaymentMethod.values:
        raise ValidationError({"method": [f'"{method}" is not a valid choice.']})
    check_positive_amount(amount)


def loan_payment_check_balance(*, commitment: LoanCommitment, amount: Decimal) -> None:
    """An open commitment (else a 409) with at least `amount` left to pay (else a 400 on `amount`).

    `loan_payment_record` runs it on the locked row; forms (the admin's inline) run it first to show
    the message on the field, and the service judges again under the lock.
    """
    if not commitment.is_open:
        raise StateConflict(f"A {commitment.status} commitment takes no payments.")
    if amount > commitment.balance:
        raise ValidationError({"amount": [f"The payment is more than the balance of {commitment.balance}."]})


@transaction.atomic
def loan_payment_record(
    *,
    commitment: LoanCommitment,
    amount: Decimal,
    paid_at: datetime | None = None,
    method: str = PaymentMethod.CASH,
    reference: str = "",
    actor=None,
) -> LoanPayment:
    """Record a payment of `amount` on an open commitment; the payment that reaches the amount clears it.

    The commitment row is locked before its balance is read, so of two concurrent payments that
    together exceed the balance one succeeds and the other is a 400 on `amount`; the database's
    `loan_paid_not_above_amount` constraint refuses an overpaid commitment whatever the caller.
    A cleared, cancelled or rescheduled commitment is a 409. When the commitment names a booking,
    the booking's `paid_amount` grows by the payment too (through the booking's own service).
    The payment gets the organization's next receipt number (leads.receipts) and keeps the balance
    left right after it, as its receipt shows them for good.
    """
    paid_at = paid_at or timezone.now()
    loan_payment_check_input(amount=amount, paid_at=paid_at, method=method)
    # Lock the row through the caller's scope before the balance is read (None: a system job, every tenant),
    # its lead first: the loan book's one lock order (`lock_commitment`), which a merge follows too.
    commitment = lock_commitment(pk=commitment.pk, actor=actor)
    loan_payment_check_balance(commitment=commitment, amount=amount)
    if commitment.booking_id is not None:
        booking_add_payment(booking_id=commitment.booking_id, amount=amount)
    # Taken last, after every refusal, so the counter's row lock is held for the shortest time.
    organization_id, receipt_number = receipt_number_allocate(
        branch_id=commitment.branch_id, day=timezone.localdate(paid_at)
    )
    payment = LoanPayment(
        commitment=commitment,
        amount=amount,
        paid_at=paid_at,
        method=method,
        reference=reference,
        created_by=actor,
        organization_id=organization_id,
        receipt_number=receipt_number,
        balance_after=commitment.balance - amount,
    )
    attribute_history(payment, actor)
    payment._change_reason = PAYMENT_CHANGE_REASON
    payment.save()

    # Added in SQL (not the value read above): were the lock ever bypassed, the second of two
    # overlapping payments would then meet `loan_paid_not_above_amount` instead of overwriting the first.
    LoanCommitment.objects.filter(pk=commitment.pk).update(paid_amount=F("paid_amount") + amount)
    commitment.paid_amount += amount
    update_fields = ["updated_at"]
    if commitment.paid_amount == commitment.amount:
        # Cleared on the day the money came in, so a late-recorded payment still counts as a kept promise.
        commitment.status = LoanStatus.CLEARED
        commitment.cleared_at = paid_at
        update_fields += ["status", "cleared_at"]
    attribute_history(commitment, actor)
    commitment._change_reason = PAYMENT_CHANGE_REASON
    commitment.save(update_fields=update_fields)  # writes the history row with the new paid_amount
    if commitment.status == LoanStatus.CLEARED:
        refresh_next_promise_date(commitment.lead_id)
    payment.commitment = commitment
    # The apps above (messaging: the customer's `payment_received`) write their rows in this transaction.
    payment_recorded.send(sender=LoanPayment, payment=payment, actor=actor)
    return payment
