from django.test import TestCase
from django.urls import reverse

from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


class AdminSiteTests(TestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.member = branch_user(self.branch)
        self.own_lead = LeadFactory(branch=self.branch, customer_name="Own Branch Customer")
        self.other_lead = LeadFactory(branch=BranchFactory(), customer_name="Other Branch Customer")

    def login(self, username):
        return self.client.post(
            reverse("admin:login"), {"username": username, "password": "pass-12345", "next": reverse("admin:index")}
        )

    def test_branch_member_can_log_in_through_the_admin_form(self):
        response = self.login(self.member.username)
        self.assertRedirects(response, reverse("admin:index"))

    def test_user_without_membership_cannot_log_in(self):
        outsider = UserFactory()
        response = self.login(outsider.username)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["form"].is_valid())

    def test_member_sees_only_their_branch_leads_and_gets_404_for_others(self):
        self.client.force_login(self.member)
        changelist = self.client.get(reverse("admin:leads_lead_changelist"))
        self.assertContains(changelist, "Own Branch Customer")
        self.assertNotContains(changelist, "Other Branch Customer")
        other = self.client.get(reverse("admin:leads_lead_change", args=[self.other_lead.pk]))
        self.assertEqual(other.status_code, 302)  # the admin redirects a missing object to the index
        own = self.client.get(reverse("admin:leads_lead_change", args=[self.own_lead.pk]))
        self.assertEqual(own.status_code, 200)

    def test_member_cannot_delete(self):
        self.client.force_login(self.member)
        response = self.client.get(reverse("admin:leads_lead_delete", args=[self.own_lead.pk]))
        self.assertEqual(response.status_code, 403)
