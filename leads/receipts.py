"""Receipt numbers: `AT-2026-000123`, unique and sequential per organization and year, without gaps.

The prefix is the organization's initials (its name's words' first letters, `Alpha Travels` → `AT`);
the year is the payment's business day's; the counter is `ReceiptCounter`, one row per organization
and year, incremented by an UPDATE inside the payment's transaction: the row stays locked until the
payment commits, so concurrent payments of one organization take consecutive numbers, and a payment
that rolls back rolls its number back with it (no gap).
"""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from leads.models import ReceiptCounter

RECEIPT_DIGITS = 6
MAX_PREFIX_LETTERS = 4
FALLBACK_PREFIX = "R"


def receipt_prefix(organization_name: str) -> str:
    """`Alpha Travels` → `AT`; `al-Huda Hajj & Umrah Services` → `AHHU`; no ASCII letter at all → `R`."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][A-Za-z0-9']*", organization_name or ""))
    return initials[:MAX_PREFIX_LETTERS].upper() or FALLBACK_PREFIX


def format_receipt_number(*, prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:0{RECEIPT_DIGITS}d}"


def receipt_number_allocate(*, organization, day: date) -> str:
    """The organization's next receipt number for `day`'s year; call it inside the payment's transaction.

    The counter row is created once per organization and year (a concurrent creator loses on the unique
    constraint and then increments the winner's row), then incremented in SQL, which locks it until commit.
    """
    counters = ReceiptCounter.objects.filter(organization_id=organization.pk, year=day.year)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(organization_id=organization.pk, year=day.year, last_number=1)
        except IntegrityError:  # another payment created it meanwhile: take the next number of its row
            counters.update(last_number=F("last_number") + 1)
    number = counters.values_list("last_number", flat=True).get()
    return format_receipt_number(prefix=receipt_prefix(organization.name), year=day.year, number=number)
