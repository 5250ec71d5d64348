"""Signals the leads app sends for the apps above it (messaging), which it must never import (the floors).

Each is sent inside the transaction of its cause, so a receiver writing its own rows (an outbox
message) commits or rolls back with it. Receivers must not raise: a payment is never refused because
a message about it could not be queued.
"""

from django.dispatch import Signal

# sender=LoanPayment; payment=<LoanPayment>, actor=<user or None>. After the payment row is saved.
payment_recorded = Signal()
# sender=Lead; into=<Lead>, merged_ids=[ids]. Before the merged leads are deleted.
leads_merging = Signal()
