"""The benchmark seeder at a tiny scale, so it cannot rot between benchmark runs."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from benchmarks.seed import BRANCHES_PER_ORG, ORGANIZATIONS, seed
from common.identity import normalize_cnic, normalize_contact_number, normalize_passport
from leads.models import FollowUpHistory, Lead, LeadStatus, LoanCommitment, LoanStatus
from leads.selectors import leads_due_on_unscoped, overdue_loan_commitments_unscoped
from organizations.models import Branch, Membership


class SeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.summary = seed(leads=200, today=cls.today)

    def test_creates_two_organizations_of_twenty_branches_with_a_user_each(self):
        self.assertEqual(Branch.objects.count(), len(ORGANIZATIONS) * BRANCHES_PER_ORG)
        self.assertEqual(Membership.objects.filter(branch__isnull=False).count(), 40)
        self.assertEqual(Membership.objects.filter(branch__isnull=True).count(), 2)

    def test_counts_match_the_requested_scale(self):
        self.assertEqual(Lead.objects.count(), 200)
        self.assertEqual(LoanCommitment.objects.count(), 100)
        self.assertEqual(FollowUpHistory.objects.count(), self.summary.followups)
        self.assertTrue(300 <= self.summary.followups <= 500, self.summary.followups)

    def test_leads_carry_their_earliest_open_promise_date(self):
        from leads.models import OPEN_LOAN_STATUSES

        expected = {}
        for lead_id, day in LoanCommitment.objects.filter(status__in=OPEN_LOAN_STATUSES).values_list(
            "lead_id", "promised_clear_date"
        ):
            expected[lead_id] = min(day, expected.get(lead_id, day))
        stored = dict(Lead.objects.filter(next_promise_date__isnull=False).values_list("id", "next_promise_date"))
        self.assertTrue(expected)
        self.assertEqual(stored, expected)

    def test_five_percent_of_leads_are_open_and_due_today(self):
        self.assertEqual(leads_due_on_unscoped(day=self.today).count(), 10)
        self.assertEqual(self.summary.due_today, 10)

    def test_twenty_percent_of_commitments_are_past_due_and_still_pending(self):
        past_due = overdue_loan_commitments_unscoped(as_of=self.today)
        self.assertEqual(past_due.count(), 20)
        self.assertEqual(past_due.filter(status=LoanStatus.PENDING).count(), 20)
        self.assertEqual(self.summary.past_due_pending, 20)

    def test_identity_values_are_stored_normalised_and_passports_unique_per_organization(self):
        for lead in Lead.objects.all():
            self.assertEqual(lead.contact_number, normalize_contact_number(lead.contact_number))
            self.assertEqual(lead.passport_number, normalize_passport(lead.passport_number))
            self.assertEqual(lead.cnic, normalize_cnic(lead.cnic))
            self.assertEqual(lead.organization_id, lead.branch.organization_id)
        passports = list(Lead.objects.exclude(passport_number="").values_list("organization_id", "passport_number"))
        self.assertEqual(len(passports), len(set(passports)))

    def test_statuses_spread_and_final_leads_carry_their_timestamps(self):
        statuses = set(Lead.objects.values_list("lead_status", flat=True))
        self.assertEqual(statuses, set(LeadStatus.values))
        self.assertFalse(Lead.objects.filter(lead_status=LeadStatus.CONVERTED, converted_at__isnull=True).exists())
        self.assertFalse(Lead.objects.filter(lead_status=LeadStatus.LOST, lost_reason="").exists())
        self.assertFalse(Lead.objects.filter(lead_status=LeadStatus.NEW, followups__isnull=False).exists())

    def test_created_rows_get_fresh_ids_after_the_bulk_ids(self):
        lead = Lead.objects.create(
            branch_id=self.summary.main_branch_id, customer_name="After Seed", contact_number="+923001112233"
        )
        self.assertGreater(lead.pk, max(Lead.objects.exclude(pk=lead.pk).values_list("pk", flat=True)))

    def test_dates_are_around_the_business_day(self):
        dates = LoanCommitment.objects.values_list("promised_clear_date", flat=True)
        self.assertTrue(all(self.today - timedelta(days=301) <= day <= self.today + timedelta(days=121) for day in dates))
