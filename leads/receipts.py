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
from organizations.models import Branch

RECEIPT_DIGITS = 6
MAX_PREFIX_LETTERS = 4
FALLBACK_PREFIX = "R"


def receipt_prefix(organization_name: str) -> str:
    """`Alpha Travels` → `AT`; `al-Huda Hajj & Umrah Services` → `AHHU`; no ASCII letter at all → `R`."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][A-Za-z0-9']*", organization_name or ""))
    return initials[:MAX_PREFIX_LETTERS].upper() or FALLBACK_PREFIX


def format_receipt_number(*, prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:0{RECEIPT_DIGITS}d}"


def receipt_number_allocate(*, branch_id: int, day: date) -> tuple[int, str]:
    """(organization id, its next receipt number for `day`'s year) for a payment in `branch_id`; call it
    inside the payment's transaction. Two queries once the year's counter exists.

    The counter row is created once per organization and year (a concurrent creator loses on the unique
    constraint and then increments the winner's row), then incremented in SQL, which locks it until commit.
    """
    counters = ReceiptCounter.objects.filter(organization__branches__id=branch_id, year=day.year)
    if not counters.update(last_number=F("last_number") + 1):
        organization_id = Branch.objects.filter(pk=branch_id).values_list("organization_id", flat=True).get()
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(organization_id=organization_id, year=day.year, last_number=1)
        except IntegrityError:  # another payment created it meanwhile: take the next number of its row
            counters.update(last_number=F("last_number") + 1)
    organization_id, name, number = counters.values_list("organization_id", "organization__name", "last_number").get()
    return organization_id, format_receipt_number(prefix=receipt_prefix(name), year=day.year, number=number)
