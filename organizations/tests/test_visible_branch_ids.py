from django.test import TestCase

from organizations.models import visible_branch_ids
from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user, org_admin


class VisibleBranchIdsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a1 = BranchFactory()
        cls.a2 = BranchFactory(organization=cls.a1.organization)
        cls.a3 = BranchFactory(organization=cls.a1.organization)
        cls.b1 = BranchFactory()
        cls.b2 = BranchFactory(organization=cls.b1.organization)
        cls.c1 = BranchFactory()

    def test_branch_user_and_org_admin_memberships_combine_in_one_query(self):
        user = branch_user(self.a1, user=UserFactory())
        branch_user(self.a2, user=user)
        org_admin(self.b1.organization, user=user)
        with self.assertNumQueries(1):
            self.assertEqual(visible_branch_ids(user), sorted([self.a1.pk, self.a2.pk, self.b1.pk, self.b2.pk]))
        with self.assertNumQueries(0):
            visible_branch_ids(user)

    def test_branch_user_does_not_reach_the_other_branches_of_their_organization(self):
        self.assertEqual(visible_branch_ids(branch_user(self.a2)), [self.a2.pk])

    def test_org_admin_and_branch_user_of_the_same_organization_list_each_branch_once(self):
        user = org_admin(self.a1.organization)
        branch_user(self.a1, user=user)
        self.assertEqual(visible_branch_ids(user), sorted([self.a1.pk, self.a2.pk, self.a3.pk]))

    def test_org_admin_of_an_organization_without_branches_reaches_none(self):
        self.assertEqual(visible_branch_ids(org_admin(OrganizationFactory())), [])
