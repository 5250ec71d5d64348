from django.test import TestCase

from leads.models import Lead
from leads.tests.factories import LeadFactory
from organizations.models import Branch, has_any_membership
from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user, org_admin


class ScopingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a1 = BranchFactory()
        cls.a2 = BranchFactory(organization=cls.a1.organization)
        cls.b1 = BranchFactory()
        cls.leads = {branch.pk: LeadFactory(branch=branch) for branch in (cls.a1, cls.a2, cls.b1)}

    def visible(self, user):
        return set(Branch.objects.visible_to(user).values_list("pk", flat=True))

    def test_branch_user_sees_only_their_branch(self):
        user = branch_user(self.a1)
        self.assertEqual(self.visible(user), {self.a1.pk})
        self.assertEqual(list(Lead.objects.visible_to(user)), [self.leads[self.a1.pk]])

    def test_user_with_two_branch_memberships_sees_both(self):
        user = branch_user(self.a1)
        branch_user(self.b1, user=user)
        self.assertEqual(self.visible(user), {self.a1.pk, self.b1.pk})

    def test_org_admin_sees_every_branch_of_their_organization(self):
        user = org_admin(self.a1.organization)
        self.assertEqual(self.visible(user), {self.a1.pk, self.a2.pk})
        self.assertEqual(Lead.objects.visible_to(user).count(), 2)

    def test_staff_and_superuser_see_everything(self):
        for flags in ({"is_staff": True}, {"is_superuser": True}):
            with self.subTest(flags=flags):
                user = UserFactory(**flags)
                self.assertEqual(self.visible(user), {self.a1.pk, self.a2.pk, self.b1.pk})
                self.assertTrue(has_any_membership(user))

    def test_user_without_membership_sees_nothing(self):
        user = UserFactory()
        self.assertEqual(self.visible(user), set())
        self.assertEqual(Lead.objects.visible_to(user).count(), 0)
        self.assertFalse(has_any_membership(user))

    def test_org_admin_of_an_organization_without_branches_is_still_a_member(self):
        user = org_admin(OrganizationFactory())
        self.assertTrue(has_any_membership(user))


class ScopedQuerySetBaseTests(TestCase):
    """Every scoped model derives its `visible_to` from the one base; none writes its own."""

    def test_every_scoped_model_derives_from_the_one_base(self):
        from django.apps import apps

        from organizations.scoping import ScopedQuerySet

        scoped = []
        for model in apps.get_models():
            queryset_class = type(model._default_manager.all())
            if hasattr(queryset_class, "visible_to"):
                with self.subTest(model=model.__name__):
                    self.assertTrue(issubclass(queryset_class, ScopedQuerySet))
                    # Written once: no subclass overrides the base's method.
                    self.assertIs(queryset_class.visible_to, ScopedQuerySet.visible_to)
                scoped.append(model.__name__)
        self.assertTrue({"Branch", "Booking", "Lead", "FollowUpHistory", "LoanCommitment"} <= set(scoped))

    def test_no_user_sees_nothing_and_unscoped_is_every_row(self):
        LeadFactory.create_batch(2)
        self.assertEqual(Lead.objects.visible_to(None).count(), 0)
        self.assertEqual(Lead.objects.unscoped().count(), 2)

    def test_follow_ups_are_scoped_through_their_lead(self):
        from leads.models import FollowUpHistory
        from leads.tests.factories import FollowUpHistoryFactory

        mine, theirs = FollowUpHistoryFactory(), FollowUpHistoryFactory()
        user = branch_user(mine.lead.branch)
        self.assertEqual(list(FollowUpHistory.objects.visible_to(user)), [mine])
        self.assertNotIn(theirs, FollowUpHistory.objects.visible_to(user))

    def test_selectors_of_due_and_overdue_rows_require_the_user(self):
        from leads import selectors

        for selector, kwargs in ((selectors.leads_due_on, {"day": None}), (selectors.overdue_loan_rows, {}),
                                 (selectors.overdue_loan_commitments, {"as_of": None})):
            with self.subTest(selector=selector.__name__), self.assertRaises(TypeError):
                selector(**kwargs)
