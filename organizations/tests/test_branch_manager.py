"""The branch manager role: a branch-scoped membership that reaches its branch and manages it (`manages_branch`)."""

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.test import TestCase

from organizations.models import Membership, MembershipRole
from organizations.scoping import manages_branch, reaches_branch, visible_branch_ids
from organizations.tests.factories import BranchFactory, UserFactory, branch_manager, branch_user, org_admin


class BranchManagerScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch, cls.foreign = BranchFactory(), BranchFactory()
        cls.sister = BranchFactory(organization=cls.branch.organization)
        cls.manager, cls.member = branch_manager(cls.branch), branch_user(cls.branch)
        cls.admin, cls.staff = org_admin(cls.branch.organization), UserFactory(is_staff=True)

    def test_a_manager_reaches_only_their_branch_like_a_branch_user(self):
        self.assertEqual(visible_branch_ids(self.manager), [self.branch.pk])
        self.assertTrue(reaches_branch(self.manager, self.branch))
        self.assertFalse(reaches_branch(self.manager, self.sister))

    def test_who_manages_which_branch(self):
        table = [
            (self.manager, self.branch, True),
            (self.manager, self.sister, False),
            (self.manager, self.foreign, False),
            (self.member, self.branch, False),
            (self.admin, self.sister, True),
            (self.admin, self.foreign, False),
            (self.staff, self.foreign, True),
            (AnonymousUser(), self.branch, False),
            (None, self.branch, False),
        ]
        for user, branch, expected in table:
            for given in (branch, branch.pk):
                with self.subTest(user=str(user), branch=branch.code, given=type(given).__name__):
                    self.assertIs(manages_branch(user, given), expected)

    def test_the_database_refuses_a_manager_without_a_branch_and_a_cap_of_zero(self):
        organization = self.branch.organization
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=UserFactory(), organization=organization, role=MembershipRole.BRANCH_MANAGER)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=UserFactory(), organization=organization, branch=self.branch, daily_cap=0)
        membership = Membership.objects.get(user=self.member)
        self.assertTrue(membership.available)
        self.assertIsNone(membership.daily_cap)
