"""Two payments on one commitment at the same moment, on a real PostgreSQL server with real threads."""

import unittest
from decimal import Decimal

from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone
from rest_framework.test import APIClient

from booking.tests.factories import BookingFactory
from common.testing.concurrency import errors, meeting_point, run_together
from leads.models import LoanCommitment, LoanPayment
from leads.services import loan_payment_record
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, branch_user

THREADS = 2


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ConcurrentPaymentsTests(TransactionTestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch)
        self.booking = BookingFactory(branch=self.branch, total_amount=Decimal("500000.00"), paid_amount=Decimal("0"))
        self.commitment = LoanCommitmentFactory(
            lead=LeadFactory(branch=self.branch), booking=self.booking, amount=Decimal("100000.00"),
            promised_clear_date=timezone.localdate(),
        )

    def pay_all_at_once(self, amount: str) -> list:
        """Each thread posts one payment over the API, all at once; returns the responses."""

        def pay():
            client = APIClient()
            client.force_authenticate(user=type(self.user).objects.get(pk=self.user.pk))
            return client.post(f"/api/leads/loan-promise/{self.commitment.pk}/payments/", {"amount": amount}, format="json")

        responses = run_together(*[pay] * THREADS)
        self.assertEqual(errors(responses), [])
        return responses

    def test_two_payments_exceeding_the_balance_one_201_one_400_on_amount(self):
        responses = self.pay_all_at_once("60000.00")
        self.assertEqual(sorted(r.status_code for r in responses), [201, 400])
        refused = next(r for r in responses if r.status_code == 400)
        self.assertIn("amount", refused.data)
        self.commitment.refresh_from_db()
        self.booking.refresh_from_db()
        self.assertEqual(self.commitment.paid_amount, Decimal("60000.00"))
        self.assertEqual(self.booking.paid_amount, Decimal("60000.00"))
        self.assertEqual(LoanPayment.objects.filter(commitment=self.commitment).count(), 1)

    def test_two_payments_within_the_balance_both_count(self):
        responses = self.pay_all_at_once("50000.00")
        self.assertEqual([r.status_code for r in responses], [201, 201])
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.paid_amount, self.commitment.status), (Decimal("100000.00"), "cleared"))
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.paid_amount, Decimal("100000.00"))

    def test_without_the_lock_the_database_still_refuses_the_overpayment(self):
        # The lock patched away and both balance reads made before either writes.
        from unittest import mock

        from django.db import IntegrityError
        from django.db.models.query import QuerySet

        meet = meeting_point(THREADS, timeout=5)
        real_first = QuerySet.first

        def first_then_meet(qs, *args, **kwargs):
            # The service reads the commitment with lock_visible_to(...).first().
            obj = real_first(qs, *args, **kwargs)
            if qs.model is LoanCommitment:
                meet()
            return obj

        def pay() -> str:
            try:
                loan_payment_record(commitment=self.commitment, amount=Decimal("60000.00"))
                return "paid"
            except IntegrityError:
                return "refused by the database"

        no_lock = mock.patch.object(QuerySet, "select_for_update", lambda qs, *args, **kwargs: qs)
        with no_lock, mock.patch.object(QuerySet, "first", first_then_meet):
            outcomes = run_together(*[pay] * THREADS)
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(sorted(outcomes), ["paid", "refused by the database"])
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.paid_amount, Decimal("60000.00"))
