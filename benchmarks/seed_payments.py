"""The loan book in the benchmark dataset: each seeded commitment's payments (about 1.5 per commitment).

A cleared commitment was paid in full in one to three parts; an open one has none (30%) or one to
three parts that leave a balance; a cancelled one has none. `paid_amount` is always the payments' sum.
"""

from decimal import Decimal

from leads.models import LoanStatus

PAYMENT_FIELDS = ("id", "commitment", "amount", "paid_at", "method", "reference", "created_by", "created_at")
METHODS = ("cash", "cash", "bank_transfer", "mobile_wallet", "cheque", "card")
DAY = 86_400


def _split(total_cents: int, parts: int, rng) -> list[int]:
    """`total_cents` in `parts` positive whole-rupee-ish shares."""
    if parts == 1:
        return [total_cents]
    cuts = sorted(rng.sample(range(1, total_cents // 100), parts - 1))
    points = [0, *(cut * 100 for cut in cuts), total_cents]
    return [b - a for a, b in zip(points, points[1:])]


def payments_for(*, commitment_id: int, status: str, amount: str, created_ts: int, staff_id: int, rng, clock,
                 first_payment_id: int) -> tuple[str, list[tuple]]:
    """(`paid_amount`, payment rows) for one seeded commitment."""
    amount_cents = int(Decimal(amount) * 100)
    if status == LoanStatus.CLEARED:
        shares = _split(amount_cents, rng.choice((1, 2, 3)), rng)
    elif status in (LoanStatus.PENDING, LoanStatus.OVERDUE) and rng.random() < 0.7:
        paid_cents = amount_cents * rng.randrange(10, 90) // 100 // 100 * 100
        shares = _split(paid_cents, rng.choice((1, 2, 3)), rng) if paid_cents >= 300 else []
    else:
        shares = []
    rows = []
    when = created_ts
    for offset, cents in enumerate(shares):
        when = min(when + rng.randrange(1, 20) * DAY, clock.now_ts - 60)
        rows.append((
            first_payment_id + offset, commitment_id, f"{cents // 100}.{cents % 100:02d}", clock.ts(when),
            rng.choice(METHODS), "", staff_id, clock.ts(when),
        ))
    paid = sum(shares)
    return f"{paid // 100}.{paid % 100:02d}", rows
