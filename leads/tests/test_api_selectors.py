"""The selectors behind the API: scoping, search and who may be assigned a lead."""

from django.test import TestCase

from leads.loan_book import lead_for_detail
from leads.selectors import lead_search, users_assignable_by
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user, org_admin


class SelectorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.sister = BranchFactory(organization=cls.branch.organization)
        cls.foreign = BranchFactory()
        cls.member = branch_user(cls.branch)
        cls.sister_member = branch_user(cls.sister)
        cls.admin = org_admin(cls.branch.organization)
        cls.foreign_member = branch_user(cls.foreign)
        cls.staff = UserFactory(is_staff=True)
        cls.inactive_member = branch_user(cls.branch, user=UserFactory(is_active=False))

    def test_lead_search_needs_a_value_and_matches_all_given(self):
        lead = LeadFactory(branch=self.branch, passport_number="AB1234567", contact_number="+923001234567")
        LeadFactory(branch=self.foreign, passport_number="AB1234567")
        self.assertQuerySetEqual(lead_search(user=self.member), [])
        self.assertQuerySetEqual(lead_search(user=self.member, passport_number="AB1234567"), [lead])
        self.assertQuerySetEqual(
            lead_search(user=self.member, passport_number="AB1234567", contact_number="+923009999999"), []
        )
        self.assertEqual(lead_search(user=self.staff, passport_number="AB1234567").count(), 2)

    def test_users_assignable_by_a_branch_user(self):
        assignable = set(users_assignable_by(user=self.member))
        self.assertEqual(assignable, {self.member, self.admin, self.staff})

    def test_users_assignable_by_an_org_admin_include_sister_branches(self):
        assignable = set(users_assignable_by(user=self.admin))
        self.assertEqual(assignable, {self.member, self.sister_member, self.admin, self.staff})

    def test_staff_may_assign_any_active_user(self):
        self.assertNotIn(self.inactive_member, users_assignable_by(user=self.staff))
        self.assertIn(self.foreign_member, users_assignable_by(user=self.staff))

    def test_lead_for_detail_attaches_the_latest_ten_of_each_in_the_callers_scope(self):
        lead = LeadFactory(branch=self.branch)
        followups = FollowUpHistoryFactory.create_batch(12, lead=lead)
        LoanCommitmentFactory.create_batch(11, lead=lead)
        with self.assertNumQueries(3):  # the lead, its follow-ups, its commitments (staff: no membership query)
            row = lead_for_detail(user=self.staff, pk=lead.pk)
        self.assertEqual((len(row.recent_followups), len(row.recent_loan_commitments)), (10, 10))
        self.assertEqual(row.recent_followups[0].pk, max(followups, key=lambda f: (f.followup_at, f.pk)).pk)
        with self.assertRaises(type(lead).DoesNotExist):
            lead_for_detail(user=self.foreign_member, pk=lead.pk)
