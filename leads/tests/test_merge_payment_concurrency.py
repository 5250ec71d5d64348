"""A merge racing payments and reschedules on the merged lead's commitments, on PostgreSQL with real threads.

Every writer takes its row locks in one global order, leads before their commitments (by id), so
no pair of them can deadlock: each request answers as if it ran before or after the others.
"""

import unittest
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone
from rest_framework.test import APIClient

from common.testing.concurrency import run_together
from leads.models import Lead, LoanCommitment, LoanStatus
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, branch_user

ROUNDS = 8


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class MergeRacingPaymentsTests(TransactionTestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch)

    def race(self, calls: dict) -> dict:
        """Run each named call (path, body) in its own thread at once; their responses by name."""

        def post(path, body):
            client = APIClient()
            client.force_authenticate(user=type(self.user).objects.get(pk=self.user.pk))
            return client.post(path, body, format="json")

        outcomes = dict(zip(calls, run_together(*(partial(post, *call) for call in calls.values())), strict=True))
        # A deadlock surfaces here, as the exception of the request that lost.
        failed = [f"{name}: {exc.__class__.__name__}: {exc}" for name, exc in outcomes.items() if isinstance(exc, BaseException)]
        self.assertEqual(failed, [])
        return outcomes

    def test_merge_against_payments_and_a_reschedule_never_deadlocks(self):
        answers = []
        for _ in range(ROUNDS):
            kept = LeadFactory(branch=self.branch, passport_number="")
            merged = LeadFactory(branch=self.branch, passport_number="", contact_number=kept.contact_number)
            today = timezone.localdate()
            paid = LoanCommitmentFactory(lead=merged, amount=Decimal("100.00"), promised_clear_date=today)
            moved = LoanCommitmentFactory(lead=merged, amount=Decimal("100.00"), promised_clear_date=today)
            kept_own = LoanCommitmentFactory(lead=kept, amount=Decimal("100.00"), promised_clear_date=today)
            responses = self.race({
                "merge": ("/api/leads/merge/", {"into": kept.pk, "merge": [merged.pk]}),
                # Clearing payments: each also refreshes its lead's next promise date (the lead's lock).
                "pay": (f"/api/leads/loan-promise/{paid.pk}/payments/", {"amount": "100.00"}),
                "pay_kept": (f"/api/leads/loan-promise/{kept_own.pk}/payments/", {"amount": "100.00"}),
                "reschedule": (
                    f"/api/leads/loan-promise/{moved.pk}/reschedule/",
                    {"promised_clear_date": (today + timedelta(days=3)).isoformat()},
                ),
            })
            statuses = {name: response.status_code for name, response in responses.items()}
            answers.append(statuses)
            self.assertEqual(statuses["merge"], 200, responses["merge"].content)
            for name in ("pay", "pay_kept", "reschedule"):
                self.assertIn(statuses[name], (201, 404, 409), (name, responses[name].content))
            # Whatever the order, the merged lead is gone and every commitment is on the kept lead.
            self.assertFalse(Lead.objects.unscoped().filter(pk=merged.pk).exists())
            self.assertEqual(
                set(LoanCommitment.objects.unscoped().filter(pk__in=[paid.pk, moved.pk, kept_own.pk]).values_list("lead_id", flat=True)),
                {kept.pk},
            )
            # A payment refused as moved by the merge (409) left no trace; an accepted one cleared its promise.
            expected = LoanStatus.CLEARED if statuses["pay"] == 201 else LoanStatus.PENDING
            self.assertEqual(LoanCommitment.objects.unscoped().get(pk=paid.pk).status, expected)
        self.assertEqual(len(answers), ROUNDS)
