"""Reads of the loan book: what each lead owes and how late, the aging report, payments due.

Selectors shared by the API (and so the desk's dashboard), the admin, the nightly job, the reminder
digest and exports (helper modules), so every door agrees on what "outstanding" and "overdue" mean:

- a commitment is *open* while `pending` or `overdue`; its *balance* is `amount - paid_amount`;
- it is *overdue* on a day `as_of` when open and promised before `as_of` (judged from the dates,
  whether or not the nightly job has marked it yet), `(as_of - promised_clear_date)` days late.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.expressions import CompiledOnce
from leads.models import OPEN_LOAN_STATUSES, Lead, LoanCommitment, LoanPayment, LoanStatus
from leads.selectors import (
    LEAD_ROW_COLUMNS,
    LEAD_ROW_RELATIONS,
    lead_with_recent_items,
    leads_due_on,
    leads_missed_before,
    overdue_loan_commitments,
    overdue_loan_commitments_unscoped,
)
from organizations.models import Branch, Organization

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")
DEFAULT_CURRENCY = Organization._meta.get_field("currency").default

# label, first and last day late (None: no end)
AGING_BUCKETS = (("1-7", 1, 7), ("8-30", 8, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def _balance():
    return F("amount") - F("paid_amount")


def _open_commitments_of_outer_lead() -> QuerySet[LoanCommitment]:
    return LoanCommitment.objects.open().filter(lead=OuterRef("pk")).order_by()


def _sum_of_balances(commitments: QuerySet[LoanCommitment]):
    total = commitments.values("lead").annotate(total=Sum(_balance(), output_field=MONEY)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def leads_with_money(queryset: QuerySet[Lead], *, as_of: date) -> QuerySet[Lead]:
    """`queryset` with `outstanding_amount` and `overdue_amount` on every lead (`next_promise_date`, the
    earliest open promise, is the lead's own column, kept by `refresh_next_promise_date`).

    Correlated subqueries over the lead's open commitments (served by `loan_lead_created_idx`), so
    a page costs no extra query and no per-row query; PostgreSQL evaluates them only for the rows
    it returns unless the page is ordered by one of them. Counting ignores them (Django drops
    annotations a COUNT does not need).
    """
    open_commitments = _open_commitments_of_outer_lead()
    return queryset.annotate(
        outstanding_amount=CompiledOnce(_sum_of_balances(open_commitments), output_field=MONEY),
        overdue_amount=CompiledOnce(_sum_of_balances(open_commitments.filter(promised_clear_date__lt=as_of)), output_field=MONEY),
    )


def leads_with_money_in_scope(*, user, as_of: date | None = None) -> QuerySet[Lead]:
    """The leads `user` may see with the columns and money fields of a table row (as of `as_of`, default the
    business day): the list's, search's, today's and export's rows, so every list filter and ordering
    applies to all."""
    return _lead_rows_with_money(as_of or timezone.localdate()).visible_to(user)


def leads_with_money_and_record_in_scope(*, user) -> QuerySet[Lead]:
    """As `leads_with_money_in_scope`, plus the promise record (`leads_with_promise_record`) the detail shows."""
    return _lead_rows_with_money_and_record(timezone.localdate()).visible_to(user)


def lead_for_detail(*, user, pk: int) -> Lead:
    """The lead as the detail endpoint shows it: its row with money and promise record, and its recent
    follow-ups and commitments (`lead_with_recent_items`). Read inside a writer's transaction, it sees
    the lead as written."""
    return lead_with_recent_items(leads_with_money_and_record_in_scope(user=user).get(pk=pk))


def leads_due_today_in_scope(*, user) -> QuerySet[Lead]:
    """Open leads `user` may see whose follow-up is due on the business day, as table rows with money
    (`followup/today/`): never-contacted leads first, then those waiting longest since the last contact."""
    today = timezone.localdate()
    leads = leads_due_on(day=today, user=user, rows=leads_with_money_in_scope(user=user, as_of=today))
    # Never-contacted leads first, then those waiting longest since the last contact.
    return leads.order_by(F("last_contacted_at").asc(nulls_first=True), "id")


def leads_missed_in_scope(*, user) -> QuerySet[Lead]:
    """Open leads `user` may see whose follow-up day passed before the business day (`followup/missed/`),
    as table rows with money: the longest-missed first (the branch's follow-up index serves this order)."""
    today = timezone.localdate()
    leads = leads_missed_before(day=today, user=user, rows=leads_with_money_in_scope(user=user, as_of=today))
    return leads.order_by("next_followup_date", "id")


# Built once per business day and process, then narrowed per request (`visible_to`, filters), as DRF's
# class-level `queryset` is: resolving these correlated subqueries against the outer query costs
# more CPU than PostgreSQL spends running the whole query for one lead, and it is the same every
# time. Never evaluated themselves (only their clones are), so they hold no rows; a few days kept
# for requests that straddle midnight.
@lru_cache(maxsize=4)
def _lead_rows_with_money(as_of: date) -> QuerySet[Lead]:
    rows = Lead.objects.unscoped().select_related(*LEAD_ROW_RELATIONS).only(*LEAD_ROW_COLUMNS)
    return leads_with_money(rows, as_of=as_of)


@lru_cache(maxsize=4)
def _lead_rows_with_money_and_record(as_of: date) -> QuerySet[Lead]:
    # Every column: the detail shows them all.
    leads = leads_with_money(Lead.objects.unscoped().select_related(*LEAD_ROW_RELATIONS), as_of=as_of)
    return leads_with_promise_record(leads, as_of=as_of)


def leads_with_overdue_promise(queryset: QuerySet[Lead], *, as_of: date, has_overdue: bool = True) -> QuerySet[Lead]:
    """The leads of `queryset` that have (or, with `has_overdue=False`, have not) an open promise before `as_of`.

    Read from the lead's `next_promise_date` (its earliest open promise; `lead_branch_promise_idx`),
    so a big branch's page count needs no semi-join over its commitments.
    """
    if has_overdue:
        return queryset.filter(next_promise_date__lt=as_of)
    return queryset.filter(Q(next_promise_date__isnull=True) | Q(next_promise_date__gte=as_of))


def _count_of(commitments: QuerySet[LoanCommitment]):
    counted = commitments.values("lead").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def leads_with_promise_record(queryset: QuerySet[Lead], *, as_of: date) -> QuerySet[Lead]:
    """`queryset` with `promises_kept` and `promises_broken` on every lead (the detail's figures).

    Kept: cleared on or before the promised date. Broken: rescheduled, cleared after the promised
    date, or still open with the promised date before `as_of`.
    """
    commitments = LoanCommitment.objects.filter(lead=OuterRef("pk")).order_by()
    kept = Q(status=LoanStatus.CLEARED, cleared_at__date__lte=F("promised_clear_date"))
    broken = (
        Q(status=LoanStatus.RESCHEDULED)
        | Q(status=LoanStatus.CLEARED, cleared_at__date__gt=F("promised_clear_date"))
        | Q(status__in=OPEN_LOAN_STATUSES, promised_clear_date__lt=as_of)
    )
    return queryset.annotate(
        promises_kept=CompiledOnce(_count_of(commitments.filter(kept)), output_field=IntegerField()),
        promises_broken=CompiledOnce(_count_of(commitments.filter(broken)), output_field=IntegerField()),
    )


def commitment_payments(*, commitment: LoanCommitment) -> QuerySet[LoanPayment]:
    """The commitment's payments, newest first."""
    return LoanPayment.objects.filter(commitment=commitment).order_by("-paid_at", "-id")


def lead_outstanding_amount(*, lead: Lead) -> Decimal:
    """The sum of the lead's open commitments' balances (one query)."""
    total = LoanCommitment.objects.open().filter(lead=lead).aggregate(
        total=Sum(_balance(), output_field=MONEY)
    )["total"]
    return ZERO if total is None else Decimal(total).quantize(ZERO)


def days_late_range(*, as_of: date, days_from: int, days_to: int | None) -> Q:
    """Commitments promised `days_from` to `days_to` days (inclusive; None: or more) before `as_of`."""
    condition = Q(promised_clear_date__lte=as_of - timedelta(days=days_from))
    if days_to is not None:
        condition &= Q(promised_clear_date__gte=as_of - timedelta(days=days_to))
    return condition


@dataclass
class AgingBucket:
    label: str
    days_from: int
    days_to: int | None
    count: int = 0
    amount: Decimal = ZERO


def _empty_buckets() -> list[AgingBucket]:
    return [AgingBucket(label, days_from, days_to) for label, days_from, days_to in AGING_BUCKETS]


@dataclass
class BranchAging:
    branch: int
    branch_name: str
    buckets: list[AgingBucket] = field(default_factory=_empty_buckets)


@dataclass
class AgingReport:
    as_of: date
    currency: str
    buckets: list[AgingBucket] = field(default_factory=_empty_buckets)
    branches: list[BranchAging] = field(default_factory=list)

    @property
    def total_count(self) -> int:
        return sum(bucket.count for bucket in self.buckets)

    @property
    def total_amount(self) -> Decimal:
        return sum((bucket.amount for bucket in self.buckets), ZERO)


class MixedCurrencies(ValidationError):
    """The commitments in the report belong to organizations keeping different currencies: a 400 on
    `branch_id` (pick one branch) in the API."""

    def __init__(self, currencies):
        self.currencies = sorted(currencies)
        super().__init__(
            {"branch_id": [f"Your branches keep different currencies ({', '.join(self.currencies)}); pick a branch."]}
        )


def overdue_commitments_in(
    *, as_of: date, user=None, branch_id: int | None = None, assigned_to: int | None = None
) -> QuerySet[LoanCommitment]:
    """Open commitments promised before `as_of` in `user`'s scope (every tenant's for `user=None`, jobs only),
    optionally of one branch or assignee."""
    if user is None:
        commitments = overdue_loan_commitments_unscoped(as_of=as_of)
    else:
        commitments = overdue_loan_commitments(as_of=as_of, user=user)
    if branch_id is not None:
        commitments = commitments.filter(branch_id=branch_id)
    if assigned_to is not None:
        commitments = commitments.filter(lead__assigned_to_id=assigned_to)
    return commitments


def loan_aging(
    *, user, as_of: date, branch_id: int | None = None, assigned_to: int | None = None
) -> AgingReport:
    """Open commitments' balances by days past the promised date, per branch and in total (two queries).

    The same rows as the overdue-loans list for `as_of` (`overdue_loan_commitments`), grouped into
    the buckets 1-7, 8-30, 31-60, 61-90 and 90+ days late. Raises `MixedCurrencies` when the
    branches in the answer belong to organizations with different currencies.
    """
    commitments = overdue_commitments_in(as_of=as_of, user=user, branch_id=branch_id, assigned_to=assigned_to)
    aggregates = {}
    for index, (_label, days_from, days_to) in enumerate(AGING_BUCKETS):
        condition = days_late_range(as_of=as_of, days_from=days_from, days_to=days_to)
        aggregates[f"count_{index}"] = Count("id", filter=condition)
        aggregates[f"amount_{index}"] = Sum(_balance(), filter=condition, output_field=MONEY)
    rows = list(commitments.order_by().values("branch_id").annotate(**aggregates))
    branch_ids = [row["branch_id"] for row in rows]
    if branch_id is not None and not rows:
        branch_ids = [branch_id]  # an empty report still answers in that branch's currency
    branches = {
        branch.pk: branch
        for branch in (Branch.objects.unscoped() if user is None else Branch.objects.visible_to(user))
        .filter(pk__in=branch_ids)
        .select_related("organization")
        .only("id", "name", "organization__currency")
    }
    currencies = {branch.organization.currency for branch in branches.values()}
    if len(currencies) > 1:
        raise MixedCurrencies(currencies)
    report = AgingReport(as_of=as_of, currency=currencies.pop() if currencies else DEFAULT_CURRENCY)
    for row in rows:
        branch = branches[row["branch_id"]]
        entry = BranchAging(branch=branch.pk, branch_name=branch.name)
        for index, bucket in enumerate(entry.buckets):
            bucket.count = row[f"count_{index}"]
            bucket.amount = row[f"amount_{index}"] or ZERO
            report.buckets[index].count += bucket.count
            report.buckets[index].amount += bucket.amount
        report.branches.append(entry)
    report.branches.sort(key=lambda entry: (entry.branch_name, entry.branch))
    return report


def payments_due_by(*, day: date) -> QuerySet[LoanCommitment]:
    """Open commitments promised on `day` or before (due and overdue), with lead and branch joined, oldest
    first, across every tenant: the reminder job narrows them to each recipient's scope."""
    return (
        LoanCommitment.objects.unscoped().open().filter(promised_clear_date__lte=day)
        .select_related("lead", "branch")
        .order_by("promised_clear_date", "id")
    )
