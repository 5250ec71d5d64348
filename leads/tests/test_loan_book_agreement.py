"""The overdue-loans list, the aging report, the nightly job and the reminder digest agree on what is overdue."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from leads.loan_book import loan_aging
from leads.reminders import digest_message, followup_digests
from leads.services import (
    loan_commitment_create,
    loan_commitment_reschedule,
    loan_commitments_mark_overdue,
    loan_payment_record,
)
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, branch_user

D = Decimal


class LoanBookAgreementTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.branch = BranchFactory(name="Lahore Main", code="A1")
        cls.other = BranchFactory(name="Karachi Saddar", code="A2", organization=cls.branch.organization)
        cls.staff = branch_user(cls.branch, user__username="lahore_staff")
        branch_user(cls.other, user__username="karachi_staff")

        def promise(branch, days_late, amount, paid=None):
            lead = LeadFactory(branch=branch, customer_name=f"Customer {days_late}")
            commitment = loan_commitment_create(
                lead=lead, amount=D(amount), promised_clear_date=cls.today - timedelta(days=days_late)
            )
            if paid:
                loan_payment_record(commitment=commitment, amount=D(paid))
            return commitment

        for days_late, amount, paid in ((1, "100.00", "40.00"), (12, "200.00", None), (45, "300.00", "1.00"),
                                        (75, "400.00", None), (120, "500.00", "499.00")):
            promise(cls.branch, days_late, amount, paid)
        promise(cls.branch, 0, "50.00")  # due today: in the digest, not yet overdue
        promise(cls.branch, -3, "60.00")  # due later: nowhere
        loan_commitment_reschedule(commitment=promise(cls.branch, 9, "70.00"), promised_clear_date=cls.today + timedelta(days=5))
        promise(cls.other, 3, "80.00")

    def test_overdue_list_aging_job_and_digest_agree(self):
        client = APIClient()
        client.force_authenticate(self.staff)
        overdue = client.get("/api/leads/overdue-loans/", {"page_size": 100}).data
        report = client.get("/api/leads/reports/aging/").data
        aging = loan_aging(user=self.staff, as_of=self.today)
        digest = next(d for d in followup_digests(day=self.today) if d.user == self.staff)
        section = digest.sections[0]

        overdue_ids = {row["id"] for row in overdue["results"]}
        self.assertEqual(len(overdue_ids), 5)
        self.assertEqual(sum(bucket["count"] for bucket in report["buckets"]), len(overdue_ids))
        self.assertEqual(aging.total_amount, sum(D(row["balance"]) for row in overdue["results"]))
        self.assertEqual(aging.total_amount, D("60.00") + D("200.00") + D("299.00") + D("400.00") + D("1.00"))
        self.assertEqual({c.pk for c in section.payments_overdue}, overdue_ids)
        self.assertEqual(sum(c.balance for c in section.payments_overdue), aging.total_amount)
        self.assertEqual([c.lead.customer_name for c in section.payments_due], ["Customer 0"])
        # The nightly job marks exactly these (they were created overdue; set them back to pending first).
        from leads.models import LoanCommitment, LoanStatus

        LoanCommitment.objects.filter(pk__in=overdue_ids).update(status=LoanStatus.PENDING)
        self.assertEqual(loan_commitments_mark_overdue(as_of=self.today), len(overdue_ids))
        self.assertEqual(set(LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).values_list("pk", flat=True)),
                         overdue_ids | {c.pk for c in LoanCommitment.objects.filter(branch=self.other)})

    def test_each_branch_user_hears_only_of_their_branchs_payments(self):
        digests = {d.user.username: d for d in followup_digests(day=self.today)}
        self.assertEqual(digests["karachi_staff"].payments_overdue_count, 1)
        self.assertEqual(digests["lahore_staff"].payments_overdue_count, 5)

    def test_the_email_has_the_payments_section(self):
        digest = next(d for d in followup_digests(day=self.today) if d.user == self.staff)
        message = digest_message(digest)
        self.assertIn("Payments due and overdue:", message.body)
        self.assertIn("Customer 120, ", message.body)
        self.assertIn(": 1.00 overdue 120 days", message.body)
        self.assertIn("payments: 1 due, 5 overdue", message.subject)
        self.assertIn("Payments due and overdue", message.alternatives[0][0])
        self.assertEqual(mail.outbox, [])
