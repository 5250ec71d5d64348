from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from booking.models import Booking
from leads.models import FollowUpHistory, Lead, LoanCommitment, LoanPayment
from organizations.models import Branch, Membership


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (get_user_model(), Branch, Membership, Lead, FollowUpHistory, LoanCommitment, LoanPayment, Booking)
    }


class SeedDemoTests(TestCase):
    def test_seed_demo_twice_creates_the_dataset_once(self):
        call_command("seed_demo", stdout=StringIO())
        first = snapshot()
        call_command("seed_demo", stdout=StringIO())
        self.assertEqual(snapshot(), first)
        self.assertEqual(first["Branch"], 3)
        self.assertGreaterEqual(first["Lead"], 15)

    def test_demo_users_can_log_in_with_the_demo_password(self):
        call_command("seed_demo", stdout=StringIO())
        for username in ("admin", "orgadmin_a", "branch_a1", "branch_a2", "manager_a1", "orgadmin_b", "branch_b1", "nobody"):
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password="demo-pass-123"))

    def test_demo_roles_match_the_contract(self):
        call_command("seed_demo", stdout=StringIO())
        roles = {(m.user.username, m.role, m.branch.code if m.branch else m.organization.name)
                 for m in Membership.objects.select_related("user", "branch", "organization")}
        self.assertEqual(roles, {
            ("orgadmin_a", "org_admin", "Alpha Travels"),
            ("branch_a1", "branch_user", "A1"),
            ("branch_a2", "branch_user", "A2"),
            ("manager_a1", "branch_manager", "A1"),
            ("orgadmin_b", "org_admin", "Bravo Tours"),
            ("branch_b1", "branch_user", "B1"),
        })
        self.assertTrue(get_user_model().objects.get(username="admin").is_superuser)


class SeedDemoLoanBookTests(TestCase):
    def test_every_branch_shows_partial_payments_a_reschedule_chain_and_every_aging_bucket(self):
        from django.utils import timezone

        from leads.loan_book import loan_aging
        from leads.models import LoanStatus

        call_command("seed_demo", stdout=StringIO())
        admin = get_user_model().objects.get(username="admin")
        for branch in Branch.objects.all():
            with self.subTest(branch=branch.code):
                report = loan_aging(user=admin, as_of=timezone.localdate(), branch_id=branch.pk)
                self.assertTrue(all(bucket.count >= 1 for bucket in report.buckets), [b.count for b in report.buckets])
                commitments = LoanCommitment.objects.filter(branch=branch)
                self.assertTrue(commitments.filter(status__in=["pending", "overdue"], paid_amount__gt=0).exists())
                self.assertTrue(commitments.filter(status=LoanStatus.CLEARED, payments__isnull=False).exists())
                chain_end = commitments.get(rescheduled_from__rescheduled_from__isnull=False)
                self.assertEqual(chain_end.rescheduled_from.rescheduled_from.status, LoanStatus.RESCHEDULED)


class SeedDemoFindableCustomerTests(TestCase):
    def test_a1_has_the_customer_the_desk_journeys_find_by_phone_due_today(self):
        from django.utils import timezone

        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo", stdout=StringIO())
        leads = list(Lead.objects.filter(contact_number="+923215550123"))
        self.assertEqual(len(leads), 1)  # one, however often seeded
        lead = leads[0]
        self.assertEqual((lead.branch.code, lead.customer_name, lead.is_open), ("A1", "Ayesha Khan", True))
        self.assertEqual(lead.next_followup_date, timezone.localdate())
        self.assertFalse(LoanCommitment.objects.filter(lead=lead).exists())
