"""Seed a large, realistic dataset with batched bulk writes in bounded memory.

`seed(leads=N)` creates 2 organizations × 20 branches with one branch user per branch, then N
leads (unique passports per organization, E.164 Pakistani mobiles, CNICs, spread statuses,
sources, areas and dates; exactly 5% of them open and due today), about 2 follow-ups per lead,
and N/2 loan commitments of which exactly N/10 (20%) are past due and still pending, with about
1.5 payments per commitment (benchmarks/seed_payments.py).

Rows are generated in chunks of `CHUNK` leads and written with PostgreSQL's COPY (psycopg's
`cursor.copy`) or, on SQLite, `executemany` inserts; only one chunk is in memory at a time.
Bulk rows have no django-simple-history entries: history records what users change, and the
benchmark's own writes go through the API, which records them as usual.
"""

import random
import time
from array import array
from contextlib import contextmanager
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from benchmarks.vocabulary import (
    CITIES,
    FIRST_NAMES,
    FOLLOWUPS_PER_CONTACTED_LEAD,
    LAST_NAMES,
    LOST_REASONS,
    METHOD_POOL,
    MOBILE_PREFIXES,
    OPEN_STATUSES,
    PASSPORT_PREFIXES,
    REMARKS,
    SOURCE_POOL,
    STATUS_POOL,
)
from benchmarks.seed_payments import PAYMENT_FIELDS, payments_for
from leads.models import OPEN_LOAN_STATUSES, FollowUpHistory, Lead, LeadStatus, LoanCommitment, LoanPayment, LoanStatus
from organizations.models import Branch, Membership, MembershipRole, Organization

CHUNK = 10_000
BRANCHES_PER_ORG = 20
MAIN_BRANCH_SHARE = 0.2  # the first branch of each organization is the big one
BENCH_PASSWORD = "bench-pass-123"
ORGANIZATIONS = (("A", "Benchmark Alpha Travels"), ("B", "Benchmark Bravo Tours"))
DUE_TODAY_EVERY = 20  # lead index % 20 == 0: open and due today (5%)
PAST_DUE_PENDING_SLOTS = (0, 5)  # commitment index % 10 in these: past due, still pending (20%)

LEAD_FIELDS = (
    "id", "customer_name", "passport_number", "contact_number", "cnic", "address", "area", "branch",
    "organization", "lead_source", "lead_status", "next_followup_date", "last_contacted_at", "booking",
    "converted_at", "lost_reason", "lost_at", "assigned_to", "remarks", "created_by", "created_at", "updated_at",
)
FOLLOWUP_FIELDS = (
    "id", "lead", "followup_at", "contact_method", "remarks", "next_followup_date", "created_by", "created_at",
)
COMMITMENT_FIELDS = (
    "id", "lead", "branch", "booking", "amount", "promised_clear_date", "status", "remarks", "cleared_at", "created_by",
    "created_at", "updated_at", "paid_amount",
)
DAY = 86_400


@dataclass
class SeedSummary:
    leads: int = 0
    followups: int = 0
    commitments: int = 0
    payments: int = 0
    past_due_pending: int = 0
    due_today: int = 0
    seconds: float = 0.0
    bench_username: str = ""
    main_branch_id: int = 0
    first_lead_id: int = 0
    branch_ids: list = field(default_factory=list)


@dataclass
class _BranchInfo:
    id: int
    organization_id: int
    areas: tuple
    staff_id: int


class _RowWriter:
    """Writes tuples of column values: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.is_postgres = connection.vendor == "postgresql"
        # Timestamps are generated as UTC text; PostgreSQL gets the offset, SQLite stores naive UTC.
        self.utc_suffix = "+00" if self.is_postgres else ""

    @contextmanager
    def bulk_load(self, models):
        """Inside a transaction, on PostgreSQL: no per-row foreign-key triggers (the rows are consistent
        by construction) and secondary indexes built once after the load instead of row by row."""
        if not self.is_postgres:
            yield
            return
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            # PostgreSQL refuses to build an index on a table with pending deferred trigger events
            # (e.g. foreign-key checks of rows updated earlier in the enclosing transaction): fire them now.
            _fire_deferred_checks(cursor)
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                pass  # not a superuser: foreign keys are checked row by row, which is only slower
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [[model._meta.db_table for model in models]],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")
        yield
        with connection.cursor() as cursor:
            _fire_deferred_checks(cursor)
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET LOCAL session_replication_role = origin")

    def write(self, model, fields, rows):
        if not rows:
            return
        qn = connection.ops.quote_name
        columns = ", ".join(qn(model._meta.get_field(name).column) for name in fields)
        table = qn(model._meta.db_table)
        with connection.cursor() as cursor:
            if self.is_postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


class _Clock:
    """Fast text timestamps and dates around `today` (the business day)."""

    def __init__(self, today: date, utc_suffix: str):
        self.today = today
        self.now_ts = int(time.time())
        self.utc_suffix = utc_suffix
        self._days = {}

    def ts(self, seconds: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + self.utc_suffix

    def day(self, offset: int) -> str:
        text = self._days.get(offset)
        if text is None:
            text = self._days[offset] = (self.today + timedelta(days=offset)).isoformat()
        return text

    def day_of(self, seconds: int) -> str:
        # Whole days back from now: close enough for the date a past follow-up planned the next one for.
        return self.day(-((self.now_ts - seconds) // DAY))


def _fire_deferred_checks(cursor) -> None:
    """Run the transaction's pending deferred constraint checks, then defer again (Django's default)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def _setup_organizations(rng: random.Random) -> tuple[list[_BranchInfo], str]:
    """Organizations, branches, one branch user per branch and an org admin per organization."""
    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)
    branches: list[_BranchInfo] = []
    for letter, name in ORGANIZATIONS:
        organization, _ = Organization.objects.get_or_create(name=name)
        admin, _ = user_model.objects.get_or_create(
            username=f"bench_admin_{letter.lower()}", defaults={"password": password}
        )
        Membership.objects.get_or_create(user=admin, organization=organization, role=MembershipRole.ORG_ADMIN)
        for number in range(1, BRANCHES_PER_ORG + 1):
            city, areas = CITIES[(number - 1) % len(CITIES)]
            code = f"{letter}{number:02d}"
            branch, _ = Branch.objects.get_or_create(
                organization=organization,
                code=code,
                defaults={"name": f"{city} {areas[0]} {code}", "city": city, "area": areas[0]},
            )
            staff, _ = user_model.objects.get_or_create(
                username=f"bench_{code.lower()}", defaults={"password": password}
            )
            Membership.objects.get_or_create(
                user=staff, organization=organization, branch=branch, role=MembershipRole.BRANCH_USER
            )
            branches.append(_BranchInfo(branch.id, organization.id, areas, staff.id))
    return branches, f"bench_{ORGANIZATIONS[0][0].lower()}01"


def _branch_picker(branches: list[_BranchInfo]):
    """Half the leads per organization; in each, the first branch holds MAIN_BRANCH_SHARE of them."""
    weights = []
    per_org = len(branches) // len(ORGANIZATIONS)
    for position in range(len(branches)):
        share = MAIN_BRANCH_SHARE if position % per_org == 0 else (1 - MAIN_BRANCH_SHARE) / (per_org - 1)
        weights.append(share / len(ORGANIZATIONS))
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    cumulative[-1] = 1.0

    def pick(rng: random.Random) -> int:
        return bisect(cumulative, rng.random())

    return pick


def _lead_rows(index, lead_id, first_followup_id, branch, rng, clock):
    """One lead's row and its follow-ups' rows."""
    due_today = index % DUE_TODAY_EVERY == 0
    status = rng.choice(OPEN_STATUSES) if due_today else rng.choice(STATUS_POOL)
    area = rng.choice(branch.areas)
    passport = (
        "" if index % 10 == 7 else f"{rng.choice(PASSPORT_PREFIXES)}{(index * 7919 + 13) % 10_000_000:07d}"
    )
    contact = f"+92{rng.choice(MOBILE_PREFIXES)}{(index * 104_729 + 7) % 10_000_000:07d}"
    cnic = (
        f"{rng.randrange(10_000, 100_000)}-{rng.randrange(10_000_000):07d}-{rng.randrange(10)}"
        if rng.random() < 0.8
        else ""
    )
    address = f"House {rng.randrange(1, 999)}, Street {rng.randrange(1, 60)}, {area}" if rng.random() < 0.7 else ""
    created = clock.now_ts - rng.randrange(730 * DAY)
    if due_today:
        next_followup = clock.day(0)
    elif status in OPEN_STATUSES and rng.random() < 0.75:
        offset = rng.randrange(-30, 60)
        next_followup = clock.day(offset if offset < 0 else offset + 1)  # never today
    else:
        next_followup = None

    followups = []
    moments = []
    if status != LeadStatus.NEW:
        moment = created
        for _ in range(rng.choice(FOLLOWUPS_PER_CONTACTED_LEAD)):
            moment = min(moment + rng.randrange(3_600, 20 * DAY), clock.now_ts)
            moments.append(moment)
    for position, moment in enumerate(moments):
        is_last = position == len(moments) - 1
        stamp = clock.ts(moment)
        followups.append((
            first_followup_id + position, lead_id, stamp, rng.choice(METHOD_POOL), rng.choice(REMARKS),
            next_followup if is_last else clock.day_of(moments[position + 1]), branch.staff_id, stamp,
        ))
    last_contact = moments[-1] if moments else None
    closed_at = clock.ts(last_contact or created + DAY) if status in (LeadStatus.CONVERTED, LeadStatus.LOST) else None
    updated = max(created, last_contact or created)
    lead = (
        lead_id, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", passport, contact, cnic, address, area,
        branch.id, branch.organization_id, rng.choice(SOURCE_POOL), status, next_followup,
        clock.ts(last_contact) if last_contact else None, None,
        closed_at if status == LeadStatus.CONVERTED else None,
        rng.choice(LOST_REASONS) if status == LeadStatus.LOST else "",
        closed_at if status == LeadStatus.LOST else None,
        branch.staff_id if rng.random() < 0.5 else None, rng.choice(REMARKS) if rng.random() < 0.3 else "",
        branch.staff_id, clock.ts(created), clock.ts(updated),
    )
    return lead, followups


def _commitment_row(index, commitment_id, lead_id, branch, rng, clock, first_payment_id):
    slot = index % 10
    if slot in PAST_DUE_PENDING_SLOTS:
        status, offset = LoanStatus.PENDING, -rng.randrange(1, 91)
    elif slot in (1, 2, 3):
        status, offset = LoanStatus.PENDING, rng.randrange(0, 121)
    elif slot == 8:
        status, offset = LoanStatus.CANCELLED, rng.randrange(-200, 60)
    else:
        status, offset = LoanStatus.CLEARED, -rng.randrange(1, 301)
    promised_ts = clock.now_ts + offset * DAY
    created = min(promised_ts - rng.randrange(1, 60) * DAY, clock.now_ts - 3_600)
    cleared = clock.ts(min(promised_ts - rng.randrange(0, 5) * DAY, clock.now_ts)) if status == LoanStatus.CLEARED else None
    amount = f"{rng.randrange(10, 1_000) * 500}.00"
    paid_amount, payments = payments_for(
        commitment_id=commitment_id, status=status, amount=amount, created_ts=created, staff_id=branch.staff_id,
        rng=rng, clock=clock, first_payment_id=first_payment_id,
    )
    return (
        commitment_id, lead_id, branch.id, None, amount, clock.day(offset), status,
        rng.choice(REMARKS) if rng.random() < 0.4 else "", cleared, branch.staff_id, clock.ts(created),
        cleared or clock.ts(created), paid_amount,
    ), payments


def _write_leads(leads, branches, pick_branch, rng, clock, writer, summary, bar) -> array:
    first_lead_id = _next_id(Lead)
    followup_id = _next_id(FollowUpHistory)
    branch_of_lead = array("B")  # branch position per lead: a commitment carries its lead's branch
    summary.first_lead_id = first_lead_id
    for start in range(0, leads, CHUNK):
        lead_rows, followup_rows = [], []
        for index in range(start, min(start + CHUNK, leads)):
            position = pick_branch(rng)
            branch_of_lead.append(position)
            lead, followups = _lead_rows(index, first_lead_id + index, followup_id, branches[position], rng, clock)
            lead_rows.append(lead)
            followup_rows.extend(followups)
            followup_id += len(followups)
            summary.due_today += lead[11] == clock.day(0) and lead[10] in OPEN_STATUSES
        writer.write(Lead, LEAD_FIELDS, lead_rows)
        writer.write(FollowUpHistory, FOLLOWUP_FIELDS, followup_rows)
        summary.leads += len(lead_rows)
        summary.followups += len(followup_rows)
        bar.update(len(lead_rows))
    return branch_of_lead


def _write_commitments(total, leads, branches, branch_of_lead, rng, clock, writer, summary, bar) -> None:
    commitment_id = _next_id(LoanCommitment)
    payment_id = _next_id(LoanPayment)
    for start in range(0, total, CHUNK):
        rows, payment_rows = [], []
        for index in range(start, min(start + CHUNK, total)):
            lead_index = rng.randrange(leads)
            branch = branches[branch_of_lead[lead_index]]
            row, payments = _commitment_row(
                index, commitment_id, summary.first_lead_id + lead_index, branch, rng, clock, payment_id
            )
            rows.append(row)
            payment_rows.extend(payments)
            payment_id += len(payments)
            commitment_id += 1
            summary.past_due_pending += index % 10 in PAST_DUE_PENDING_SLOTS
        writer.write(LoanCommitment, COMMITMENT_FIELDS, rows)
        writer.write(LoanPayment, PAYMENT_FIELDS, payment_rows)
        summary.commitments += len(rows)
        summary.payments += len(payment_rows)
        bar.update(len(rows))


def seed(*, leads: int, today: date | None = None, progress: bool = False, random_seed: int = 20261127) -> SeedSummary:
    """Create the benchmark organizations and `leads` leads with their follow-ups and commitments.

    Deterministic for a given `random_seed`; memory stays bounded by one chunk of rows.
    """
    started = time.perf_counter()
    rng = random.Random(random_seed)
    writer = _RowWriter()
    clock = _Clock(today or timezone.localdate(), writer.utc_suffix)
    with transaction.atomic():
        branches, bench_username = _setup_organizations(rng)
    pick_branch = _branch_picker(branches)
    commitments_total = leads // 2
    summary = SeedSummary(
        bench_username=bench_username, main_branch_id=branches[0].id, branch_ids=[b.id for b in branches]
    )
    bar = _progress_bar(progress, total=leads + commitments_total)
    with transaction.atomic(), writer.bulk_load([Lead, FollowUpHistory, LoanCommitment, LoanPayment]):
        branch_of_lead = _write_leads(leads, branches, pick_branch, rng, clock, writer, summary, bar)
        _write_commitments(commitments_total, leads, branches, branch_of_lead, rng, clock, writer, summary, bar)
        bar.set_description("building indexes")
    _analyze([Lead, LoanCommitment])  # fresh statistics first, or the planner loops over 900,000 rows blind
    with transaction.atomic():
        _fill_next_promise_dates(summary.first_lead_id)
    bar.close()
    _reset_sequences()
    summary.seconds = time.perf_counter() - started
    return summary


def _fill_next_promise_dates(first_lead_id: int) -> None:
    """Each seeded lead's earliest open promise's date (one set-based UPDATE, as the services keep it)."""
    earliest = (
        LoanCommitment.objects.unscoped()
        .filter(lead_id=OuterRef("pk"), status__in=OPEN_LOAN_STATUSES)
        .order_by("promised_clear_date")
        .values("promised_clear_date")[:1]
    )
    open_leads = LoanCommitment.objects.unscoped().filter(
        lead_id__gte=first_lead_id, status__in=OPEN_LOAN_STATUSES
    ).values("lead_id")
    Lead.objects.unscoped().filter(pk__in=open_leads).update(next_promise_date=Subquery(earliest))


def _analyze(models) -> None:
    """PostgreSQL: table statistics for the rows just loaded (SQLite plans without them)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _reset_sequences() -> None:
    """Explicit ids were written; move PostgreSQL's sequences past them (SQLite tracks this itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Lead, FollowUpHistory, LoanCommitment, LoanPayment])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class _NoBar:
    def update(self, _count):
        pass

    def set_description(self, _text):
        pass

    def close(self):
        pass


def _progress_bar(enabled: bool, *, total: int):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=" rows", unit_scale=True, desc="seeding leads+commitments", mininterval=1.0)
