"""Payment receipts: numbers sequential per organization and year, the balance after kept, a printable page."""

import datetime
import threading
import unittest
from decimal import Decimal

from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone
from rest_framework.test import APIClient

from leads.models import LoanPayment
from leads.receipts import receipt_prefix
from leads.services import loan_payment_record
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user


class ReceiptPrefixTests(unittest.TestCase):
    def test_initials_of_the_organizations_name(self):
        self.assertEqual(receipt_prefix("Alpha Travels"), "AT")
        self.assertEqual(receipt_prefix("al-Huda Hajj & Umrah Services"), "AHHU")
        self.assertEqual(receipt_prefix("۱۲۳"), "R")


class ReceiptNumberTests(LeadsAPITestCase):
    def setUp(self):
        self.commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("10000.00"))
        self.login(self.user_a1)

    def pay(self, amount, commitment=None, **body):
        commitment = commitment or self.commitment
        response = self.client.post(
            self.url("loan-payments", commitment.pk), {"amount": amount, **body}, format="json"
        )
        self.assertStatus(response, 201)
        return response.data

    def test_numbers_run_on_per_organization_and_year_across_branches(self):
        year = timezone.localdate().year
        first = self.pay("1000.00")
        second = self.pay("2500.00")
        self.assertEqual(first["receipt_number"], f"AT-{year}-000001")
        self.assertEqual(second["receipt_number"], f"AT-{year}-000002")
        other_branch = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2), amount=Decimal("500.00"))
        self.login(self.admin_a)
        self.assertEqual(self.pay("100.00", other_branch)["receipt_number"], f"AT-{year}-000003")
        bravo = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_b1), amount=Decimal("500.00"))
        self.login(self.user_b1)
        self.assertEqual(self.pay("100.00", bravo)["receipt_number"], f"BT-{year}-000001")

    def test_the_year_is_the_payments_business_day(self):
        last_year = timezone.now() - datetime.timedelta(days=400)
        old = self.pay("100.00", paid_at=last_year.isoformat())
        self.assertEqual(old["receipt_number"], f"AT-{timezone.localtime(last_year).year}-000001")
        self.assertEqual(self.pay("100.00")["receipt_number"], f"AT-{timezone.localdate().year}-000001")

    def test_two_organizations_with_the_same_initials_keep_their_own_numbers(self):
        apex = OrganizationFactory(name="Apex Tours")
        member = branch_user(BranchFactory(organization=apex))
        commitment = LoanCommitmentFactory(lead=LeadFactory(branch=member.memberships.get().branch), amount=Decimal("9"))
        ours = self.pay("1.00")
        theirs = loan_payment_record(commitment=commitment, amount=Decimal("1.00"), actor=member)
        self.assertEqual(ours["receipt_number"], theirs.receipt_number)
        self.assertNotEqual(theirs.organization_id, LoanPayment.objects.get(pk=ours["id"]).organization_id)

    def test_a_refused_payment_takes_no_number(self):
        self.pay("1000.00")
        response = self.client.post(self.url("loan-payments", self.commitment.pk), {"amount": "99999.00"}, format="json")
        self.assertStatus(response, 400)
        self.assertTrue(self.pay("1.00")["receipt_number"].endswith("-000002"))

    def test_the_balance_after_each_payment_is_kept_and_never_changes(self):
        first = self.pay("1000.00")
        self.assertEqual(first["balance_after"], "9000.00")
        self.assertEqual(self.pay("9000.00")["balance_after"], "0.00")
        listed = self.client.get(self.url("loan-payments", self.commitment.pk)).data["results"]
        self.assertEqual([row["balance_after"] for row in listed], ["0.00", "9000.00"])


class ReceiptPageTests(LeadsAPITestCase):
    def setUp(self):
        self.taker = branch_user(self.branch_a1, user=UserFactory(username="cashier", first_name="Amna", last_name="Riaz"))
        self.commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("10000.00"))
        self.payment = loan_payment_record(
            commitment=self.commitment, amount=Decimal("2500.00"), method="bank_transfer", reference="TX-991",
            actor=self.taker,
        )
        loan_payment_record(commitment=self.commitment, amount=Decimal("1000.00"), actor=self.taker)

    def receipt(self, user, commitment_id=None, payment_id=None):
        self.login(user)
        return self.client.get(self.url(
            "loan-payment-receipt", commitment_id or self.commitment.pk, payment_id or self.payment.pk
        ))

    def test_the_receipt_shows_what_the_customer_needs(self):
        response = self.receipt(self.user_a1)
        self.assertStatus(response, 200)
        self.assertTrue(response["Content-Type"].startswith("text/html"))
        html = response.content.decode()
        for text in (self.payment.receipt_number, "Muhammad Asif", "PKR 2500.00", "Bank transfer", "TX-991",
                     "PKR 7500.00", "Amna Riaz", "Alpha Travels", "Lahore Main"):
            with self.subTest(text=text):
                self.assertIn(text, html)
        # The balance right after this payment, not today's (a later payment left 6500.00).
        self.assertNotIn("6500.00", html)

    def test_the_page_loads_nothing_from_outside_and_has_no_inline_script_or_style(self):
        from common.tests.test_pages_offline_and_csp import directives, outside_urls

        response = self.receipt(self.user_a1)
        html = response.content.decode()
        self.assertEqual(outside_urls(html), [])
        self.assertNotIn("<style", html)
        self.assertNotIn(" style=", html)
        self.assertNotIn("<script>", html)
        policy = directives(response["Content-Security-Policy"])
        self.assertEqual(policy["script-src"], ["'self'"])
        self.assertEqual(policy["style-src"], ["'self'"])

    def test_another_branchs_payment_is_a_404(self):
        self.assertStatus(self.receipt(self.user_a2), 404)
        self.assertStatus(self.receipt(self.user_b1), 404)
        self.assertStatus(self.receipt(self.admin_a), 200)

    def test_a_payment_of_another_commitment_is_a_404(self):
        other = LoanCommitmentFactory(lead=self.lead)
        response = self.receipt(self.user_a1, commitment_id=other.pk)
        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": "Not found."})

    def test_anonymous_is_401_and_no_membership_is_403(self):
        self.assertStatus(self.receipt(None), 401)
        self.assertStatus(self.receipt(self.nobody), 403)


THREADS = 6


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ConcurrentReceiptNumberTests(TransactionTestCase):
    """Payments of one organization at the same moment, on different commitments: no gap, no duplicate."""

    def test_concurrent_payments_take_consecutive_numbers(self):
        branch = BranchFactory(organization=OrganizationFactory(name="Alpha Travels"))
        user = branch_user(branch)
        commitments = [LoanCommitmentFactory(lead=LeadFactory(branch=branch), amount=Decimal("100.00"))
                       for _ in range(THREADS)]
        barrier = threading.Barrier(THREADS)
        statuses, errors = [], []

        def pay(commitment) -> None:
            try:
                client = APIClient()
                client.force_authenticate(user=type(user).objects.get(pk=user.pk))
                barrier.wait(timeout=30)
                statuses.append(client.post(f"/api/leads/loan-promise/{commitment.pk}/payments/",
                                            {"amount": "10.00"}, format="json").status_code)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=pay, args=(commitment,)) for commitment in commitments]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(statuses, [201] * THREADS)
        year = timezone.localdate().year
        numbers = sorted(LoanPayment.objects.values_list("receipt_number", flat=True))
        self.assertEqual(numbers, [f"AT-{year}-{n:06d}" for n in range(1, THREADS + 1)])


class ReceiptBackfillTests(LeadsAPITestCase):
    """Migration 0011 numbers the payments recorded before receipts existed, and their balance after."""

    def test_existing_payments_are_numbered_in_payment_order_and_the_counter_continues(self):
        import importlib

        from django.apps import apps

        migration = importlib.import_module("leads.migrations.0011_followup_outcome_payment_receipts")
        commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("1000.00"))
        now = timezone.now()
        later = loan_payment_record(commitment=commitment, amount=Decimal("300.00"), paid_at=now - datetime.timedelta(hours=1))
        earlier = loan_payment_record(commitment=commitment, amount=Decimal("200.00"), paid_at=now - datetime.timedelta(hours=2))
        LoanPayment.objects.update(receipt_number=None, organization=None, balance_after=None)
        from leads.models import ReceiptCounter

        ReceiptCounter.objects.all().delete()
        migration.backfill_receipts(apps, None)
        later.refresh_from_db()
        earlier.refresh_from_db()
        year = timezone.localtime(earlier.paid_at).year
        self.assertEqual((earlier.receipt_number, later.receipt_number), (f"AT-{year}-000001", f"AT-{year}-000002"))
        # The balance in the order the payments were recorded: 1000 - 300, then - 200.
        self.assertEqual((later.balance_after, earlier.balance_after), (Decimal("700.00"), Decimal("500.00")))
        if year == timezone.localdate().year:
            self.assertTrue(loan_payment_record(commitment=commitment, amount=Decimal("1.00")).receipt_number
                            .endswith("-000003"))
