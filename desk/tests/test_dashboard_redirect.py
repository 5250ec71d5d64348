"""The old dashboard's address, /dashboard/, opens the desk's dashboard (/desk/dashboard), which signs
in and scopes itself; the admin's index links straight to the desk's.

The numbers it draws are the summary and aging endpoints', tested with them (leads/tests/test_reports.py,
test_api_loan_book.py); this file pins the old address's redirect and the admin's link.
"""

from django.test import Client

from leads.tests.api_base import LeadsAPITestCase


class DashboardRedirectTests(LeadsAPITestCase):
    client_class = Client

    def test_anonymous_visitors_go_to_the_desk_which_shows_its_sign_in(self):
        response = self.client.get("/dashboard/")
        self.assertRedirects(response, "/desk/dashboard", fetch_redirect_response=False)
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)

    def test_members_go_to_the_desks_dashboard_with_the_branch_they_picked(self):
        self.client.force_login(self.admin_a)
        response = self.client.get("/dashboard/", {"branch_id": self.branch_a2.pk})
        self.assertRedirects(response, f"/desk/dashboard?branch_id={self.branch_a2.pk}", fetch_redirect_response=False)

    def test_nothing_but_a_branch_id_is_carried_over(self):
        self.client.force_login(self.user_a1)
        for params in ({"branch_id": "x"}, {"from": "2026-12-01", "next": "//evil.example.com"}):
            with self.subTest(params=params):
                self.assertEqual(self.client.get("/dashboard/", params)["Location"], "/desk/dashboard")

    def test_only_reads_are_redirected(self):
        self.assertEqual(self.client.post("/dashboard/").status_code, 405)


class AdminIndexLinkTests(LeadsAPITestCase):
    client_class = Client

    def test_the_admins_index_links_to_the_desks_dashboard(self):
        self.client.force_login(self.admin_a)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<a href="/desk/dashboard">Dashboard</a>', html=False)
        self.assertNotContains(response, 'href="/dashboard/"')
