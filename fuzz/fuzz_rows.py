#!/usr/bin/env python
"""Rows only the fuzzer needs, added by fuzz/run.sh to its scratch database after `seed_demo`.

    .venv/bin/python fuzz/fuzz_rows.py      (DATABASE_URL: the scratch database, demo data seeded)

Some rules depend on a row's state, which no schema can state: a lead is marked lost once and a
converted one never; the leads merged into another are deleted, so each merge succeeds once; a
commitment changes only while it is open and never moves to another lead. The demo rows alone
do not give every phase of the run a request that can succeed (other operations close or convert
them along the way), so these add Lahore Main rows (branch_a1's) in the state those operations
need. On a fresh `seed_demo` the demo leads are 1-39 and the commitments 1-36, so these get the
fixed ids fuzz/schemathesis.toml names (checked below):

- Lead 40, open and without passport, for `lost/`; leads 41-45, newer enquiries with the same
  number, also without passport. Bookings link the lead with their passport, else the newest open
  one with their number (one without passport when the booking has one, and the lead then takes
  the booking's passport): the fuzzer's bookings reuse numbers from earlier responses, and 41-45
  take those, so 40 is not converted (after which marking it lost would be a 409).
- Leads 46-48: a family sharing one phone, each member with a passport, the leads `merge/` keeps
  (different passports cannot be merged into each other, nor a demo lead into them); 49-88: the
  family's enquiries without passport, the leads merged into them. 49 and 50 are the merge
  request example's (the examples phase merges them); the fuzzing and stateful phases draw 51-88.
- Lead 89 with open commitments 37-41 for `loan-promise/`: an update names the commitment and,
  when it names a lead at all, that commitment's lead.
"""

import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from leads.models import Lead, LeadSource, LoanCommitment  # noqa: E402
from leads.services import lead_create, loan_commitment_create  # noqa: E402
from organizations.models import Branch  # noqa: E402

DEMO_LEADS, DEMO_COMMITMENTS = 39, 36
LOST_LEAD = 40
NEWER_ENQUIRIES = range(41, 46)
MERGE_KEEPERS = range(46, 49)
MERGE_DUPLICATES = range(49, 89)
LOAN_LEAD = 89
LOAN_COMMITMENTS = range(37, 42)


def _check(what: str, got: list[int], expected) -> None:
    if got != list(expected):
        sys.exit(f"fuzz_rows: {what} got ids {got}, not {list(expected)}: is this a fresh seed_demo database?")


@transaction.atomic
def main() -> None:
    _check("the demo leads", [Lead.objects.aggregate(last=Max("pk"))["last"]], [DEMO_LEADS])
    _check("the demo commitments", [LoanCommitment.objects.aggregate(last=Max("pk"))["last"]], [DEMO_COMMITMENTS])
    branch = Branch.objects.get(code="A1")
    staff = get_user_model().objects.get(username="branch_a1")

    def add(name: str, contact_number: str, **fields) -> int:
        lead = lead_create(
            branch=branch, actor=staff, customer_name=name, contact_number=contact_number, area=branch.area, **fields
        )
        return lead.pk

    leads = [add("Zainab Rafiq", "+923009000040", lead_source=LeadSource.PHONE)]
    leads += [add("Rafiq family", "+923009000040", lead_source=LeadSource.PHONE) for _ in NEWER_ENQUIRIES]
    leads += [add("Hamid Siddiq", "+923009000046", passport_number=f"FZ{number:07d}") for number in MERGE_KEEPERS]
    leads += [add("Hamid Siddiq", "+923009000046", lead_source=LeadSource.WALK_IN) for _ in MERGE_DUPLICATES]
    leads.append(add("Naveed Akhtar", "+923009000089", lead_source=LeadSource.REFERRAL))
    _check("the leads", leads, [LOST_LEAD, *NEWER_ENQUIRIES, *MERGE_KEEPERS, *MERGE_DUPLICATES, LOAN_LEAD])

    loan_lead = Lead.objects.get(pk=LOAN_LEAD)
    promised = timezone.localdate() + timedelta(days=30)
    commitments = [
        loan_commitment_create(
            lead=loan_lead, amount=Decimal("50000.00"), promised_clear_date=promised, actor=staff
        ).pk
        for _ in LOAN_COMMITMENTS
    ]
    _check("the commitments", commitments, LOAN_COMMITMENTS)
    print(
        f"Fuzz rows ready: leads {LOST_LEAD}-{LOAN_LEAD} (lost/: {LOST_LEAD}; merge/: {MERGE_KEEPERS[0]}-"
        f"{MERGE_KEEPERS[-1]} kept, {MERGE_DUPLICATES[0]}-{MERGE_DUPLICATES[-1]} merged; loan-promise/: {LOAN_LEAD} "
        f"with commitments {LOAN_COMMITMENTS[0]}-{LOAN_COMMITMENTS[-1]})."
    )


if __name__ == "__main__":
    main()
