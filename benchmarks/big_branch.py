"""The big-branch scenario: one branch holding 40% of the seeded leads (400,000 of 1,000,000).

Its leads are shaped so both big lists have 160,000 matches at 1M leads: four in every ten are
`new` and due today (`list/?lead_status=new` and `followup/today/` both match them), the other six
are contacted, interested, converted or lost and never due today. It belongs to organization A as
branch `A00`, with its own branch user `bench_a00`, so its pages are timed beside the regular
branches' (the regular seeder gets the remaining 60% of the leads).
"""

import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from benchmarks.seed import BENCH_PASSWORD, LEAD_FIELDS, ORGANIZATIONS, _Clock, _next_id, _RowWriter
from benchmarks.vocabulary import FIRST_NAMES, LAST_NAMES, LOST_REASONS, MOBILE_PREFIXES, REMARKS, SOURCE_POOL
from leads.models import Lead, LeadStatus
from organizations.models import Branch, Membership, MembershipRole, Organization

BIG_BRANCH_SHARE = 0.4
BIG_BRANCH_CODE = "A00"
BIG_BRANCH_USERNAME = "bench_a00"
NEW_AND_DUE_TODAY_SLOTS = 4  # of every ten leads of the branch
OTHER_STATUSES = (LeadStatus.CONTACTED, LeadStatus.INTERESTED, LeadStatus.CONVERTED, LeadStatus.LOST)
PASSPORT_PREFIX = "ZB"  # the regular seeder never starts a passport with Z; the API's writes use ZZ/ZY
CHUNK = 10_000
DAY = 86_400


def big_branch_leads(total_leads: int) -> int:
    return int(total_leads * BIG_BRANCH_SHARE)


def _setup_branch() -> tuple[int, int, int]:
    organization = Organization.objects.get(name=ORGANIZATIONS[0][1])
    branch, _ = Branch.objects.get_or_create(
        organization=organization, code=BIG_BRANCH_CODE,
        defaults={"name": f"Lahore Mega Centre {BIG_BRANCH_CODE}", "city": "Lahore", "area": "Gulberg"},
    )
    user, _ = get_user_model().objects.get_or_create(
        username=BIG_BRANCH_USERNAME, defaults={"password": make_password(BENCH_PASSWORD)}
    )
    Membership.objects.get_or_create(
        user=user, organization=organization, branch=branch, role=MembershipRole.BRANCH_USER
    )
    return branch.id, organization.id, user.id


def _row(index: int, lead_id: int, branch_id: int, organization_id: int, user_id: int, rng, clock) -> tuple:
    created = clock.now_ts - rng.randrange(730 * DAY)
    if index % 10 < NEW_AND_DUE_TODAY_SLOTS:
        status, next_followup, contacted = LeadStatus.NEW, clock.day(0), None
    else:
        status = rng.choice(OTHER_STATUSES)
        contacted = min(created + rng.randrange(3_600, 20 * DAY), clock.now_ts)
        next_followup = clock.day(rng.randrange(1, 60)) if status in (LeadStatus.CONTACTED, LeadStatus.INTERESTED) else None
    closed_at = clock.ts(contacted) if status in (LeadStatus.CONVERTED, LeadStatus.LOST) else None
    return (
        lead_id, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", f"{PASSPORT_PREFIX}{index:07d}",
        f"+92{rng.choice(MOBILE_PREFIXES)}{(index * 104_723 + 11) % 10_000_000:07d}", "", "", "Gulberg",
        branch_id, organization_id, rng.choice(SOURCE_POOL), status, next_followup,
        clock.ts(contacted) if contacted else None, None,
        closed_at if status == LeadStatus.CONVERTED else None,
        rng.choice(LOST_REASONS) if status == LeadStatus.LOST else "",
        closed_at if status == LeadStatus.LOST else None,
        user_id if rng.random() < 0.5 else None, rng.choice(REMARKS) if rng.random() < 0.3 else "",
        user_id, clock.ts(created), clock.ts(max(created, contacted or created)),
    )


def seed_big_branch(*, leads: int, today, log=print, random_seed: int = 400_000) -> dict:
    """Create branch A00, its user and `leads` leads (COPY on PostgreSQL, indexes rebuilt once)."""
    started = time.perf_counter()
    rng = random.Random(random_seed)
    writer = _RowWriter()
    clock = _Clock(today, writer.utc_suffix)
    with transaction.atomic():
        branch_id, organization_id, user_id = _setup_branch()
    first_id = _next_id(Lead)
    with transaction.atomic(), writer.bulk_load([Lead]):
        for start in range(0, leads, CHUNK):
            rows = [
                _row(index, first_id + index, branch_id, organization_id, user_id, rng, clock)
                for index in range(start, min(start + CHUNK, leads))
            ]
            writer.write(Lead, LEAD_FIELDS, rows)
    from benchmarks.seed import _reset_sequences

    _reset_sequences()
    seconds = time.perf_counter() - started
    log(f"big branch {BIG_BRANCH_CODE}: {leads:,} leads in {seconds:.1f} s")
    return {"code": BIG_BRANCH_CODE, "leads": leads, "seconds": round(seconds, 1)}


def cases(*, token: str, today, pages: int = 5) -> list:
    """The big branch's two lists, as its own branch user sees them, each beside its bare twin."""
    from urllib.parse import urlencode

    from django.test import Client

    from benchmarks.measure import PAGE_SIZE, Case
    from organizations.models import visible_branch_ids

    user = get_user_model().objects.get(username=BIG_BRANCH_USERNAME)
    branch_id = Branch.objects.get(code=BIG_BRANCH_CODE, memberships__user=user).id
    scope = ",".join(str(pk) for pk in visible_branch_ids(user))
    client = Client(headers={"authorization": f"Token {token}"})

    def listing(i):
        return {"branch_id": branch_id, "lead_status": LeadStatus.NEW, "page": 1 + i % pages, "page_size": PAGE_SIZE}

    def today_page(i):
        return {"page": 1 + i % pages, "page_size": PAGE_SIZE}

    return [
        Case(
            "list big branch (new, 50/page)", "get",
            lambda i: (f"/api/leads/list/?{urlencode(listing(i))}", None), 200,
            bare=lambda i: f"/bench-bare/list/?{urlencode({**listing(i), 'scope': scope})}", target_p50_ms=20,
            client=client,
        ),
        Case(
            "followup/today big branch (50/page)", "get",
            lambda i: (f"/api/leads/followup/today/?{urlencode(today_page(i))}", None), 200,
            bare=lambda i: f"/bench-bare/followup-today/?{urlencode({**today_page(i), 'scope': scope})}",
            target_p50_ms=20, client=client,
        ),
    ]
