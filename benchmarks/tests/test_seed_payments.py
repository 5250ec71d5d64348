"""The benchmark's loan book at a tiny scale: payments add up to each commitment's paid_amount."""

from django.db.models import F, Sum
from django.test import TestCase
from django.utils import timezone

from benchmarks.seed import seed
from leads.models import OPEN_LOAN_STATUSES, LoanCommitment, LoanPayment, LoanStatus


class SeededPaymentsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.summary = seed(leads=2000, today=timezone.localdate())

    def test_about_one_and_a_half_payments_per_commitment(self):
        per_commitment = LoanPayment.objects.count() / LoanCommitment.objects.count()
        self.assertEqual(LoanPayment.objects.count(), self.summary.payments)
        self.assertTrue(1.3 <= per_commitment <= 1.7, per_commitment)

    def test_payments_add_up_to_paid_amount(self):
        sums = dict(LoanPayment.objects.values("commitment_id").annotate(total=Sum("amount")).values_list("commitment_id", "total"))
        for commitment in LoanCommitment.objects.all():
            self.assertEqual(commitment.paid_amount, sums.get(commitment.pk, 0), commitment.pk)

    def test_cleared_are_paid_in_full_and_open_ones_keep_a_balance(self):
        self.assertFalse(LoanCommitment.objects.filter(status=LoanStatus.CLEARED).exclude(paid_amount=F("amount")).exists())
        self.assertFalse(LoanCommitment.objects.filter(status__in=OPEN_LOAN_STATUSES, paid_amount__gte=F("amount")).exists())
        self.assertTrue(LoanCommitment.objects.filter(status__in=OPEN_LOAN_STATUSES, paid_amount__gt=0).exists())
