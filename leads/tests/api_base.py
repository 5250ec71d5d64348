"""A small world for the API tests: two organizations, three branches, one user per actor."""

from django.urls import reverse
from rest_framework.test import APITestCase

from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user, org_admin


class LeadsAPITestCase(APITestCase):
    """Alpha has branches A1 and A2, Bravo has B1; `lead` is a lead of A1."""

    @classmethod
    def setUpTestData(cls):
        cls.alpha = OrganizationFactory(name="Alpha Travels")
        cls.bravo = OrganizationFactory(name="Bravo Tours")
        cls.branch_a1 = BranchFactory(organization=cls.alpha, code="A1", name="Lahore Main")
        cls.branch_a2 = BranchFactory(organization=cls.alpha, code="A2", name="Karachi Saddar")
        cls.branch_b1 = BranchFactory(organization=cls.bravo, code="B1", name="Islamabad Blue Area")
        cls.user_a1 = branch_user(cls.branch_a1, user=UserFactory(username="branch_a1"))
        cls.user_a2 = branch_user(cls.branch_a2, user=UserFactory(username="branch_a2"))
        cls.user_b1 = branch_user(cls.branch_b1, user=UserFactory(username="branch_b1"))
        cls.admin_a = org_admin(cls.alpha, user=UserFactory(username="orgadmin_a"))
        cls.admin_b = org_admin(cls.bravo, user=UserFactory(username="orgadmin_b"))
        cls.staff = UserFactory(username="staff", is_staff=True)
        cls.superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
        cls.nobody = UserFactory(username="nobody")
        cls.lead = LeadFactory(branch=cls.branch_a1, customer_name="Muhammad Asif")

    def login(self, user):
        # A fresh user object per request: the memoised branch ids must not leak between actors.
        self.client.force_authenticate(user=type(user).objects.get(pk=user.pk) if user else None)

    def url(self, name, *args):
        return reverse(f"leads:{name}", args=args)

    def assertStatus(self, response, expected):
        self.assertEqual(response.status_code, expected, getattr(response, "data", response.content))
